// The engine's public entry: what other packages (the sf plugin) may use. Only re-exports, so the modules
// stay where they are and this file is the one list to keep stable. Deep imports (`@reco/sync-server/<path>`)
// are for this repository's tests only and are not part of the packaged build.
export { checkOrg, formatOrgCheck, type OrgCheckResult, type OrgProblem } from './pipeline/org-check.js';
export { whoAmI, type OrgIdentity } from './connect/identity.js';
export { DEFAULT_MINIMUMS, type ModelMinimums } from './clean/rules.js';
export type { QualityReport } from './clean/clean.js';
export type { Dataset } from './domain/types.js';
export { retailDataFromDataset } from './evaluate/from-dataset.js';
export { evaluate, type EvaluationReport, type ListReport } from './evaluate/run-evaluation.js';
export { openMirror, type Mirror } from './mirror/db.js';
export { getWatermark } from './mirror/records.js';
export { SOURCE_OBJECTS } from './extract/objects.js';
export { explainRecommendation } from './models/run-models.js';
export { loadOrgDataset, type OrgDataset } from './pipeline/load-dataset.js';
export { runPipeline, type PipelineDeps, type PipelineOptions, type RunSummary } from './pipeline/run-pipeline.js';
export { STAGES, type FinishedRunStatus, type ProgressEvent, type RunKind, type RunStatus, type Stage, type StageProgress, type StageStatus } from './domain/run.js';
// The plugin's recommend show caps a stored Confidence by the score; the packed engine exports only its index.
export { shownConfidence } from './recommend/reasons.js';
