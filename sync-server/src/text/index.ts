// Reco's text engine: cleaning CRM bodies, sentiment per text, themes across an org's texts.
export { cleanCrmText, MAX_CLEAN_INPUT, MAX_SCORED_CHARS, type CleanResult } from './clean.js';
export { scoreSentiment, scoreClean, labelFor, NEUTRAL_BAND, type Sentiment, type SentimentLabel } from './sentiment.js';
export { discoverThemes, assignTheme, defaultThemeCount, type Theme, type ThemeModel, type ThemeResult } from './themes.js';
export { fingerprint } from './fingerprint.js';
export { readLabelledCsv, type LabelledRow } from './dataset.js';
export { shippedCalibration } from './sentiment.js';
export { rescoreChanged, loadTextScores, ensureTextScoreTable, TEXT_SCHEMA, enforceExcerptLimits, joinTextParts, templateHashes, TEMPLATE_COPIES, DEFAULT_EXCERPT_CHARS, type TextRecord, type TextScore, type RescoreStats } from './score-store.js';
export { accountTextSignals, insightText, themeSummary, type AccountText, type ScoredText } from './account-text.js';
export { orgTextSignals, type OrgTextSignals } from './org-signals.js';
export { discoverThemesFromTerms } from './themes.js';
