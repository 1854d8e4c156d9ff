// The Metadata API deploy: one entry (`deployFiles`) that both wire protocols (SOAP deploy and REST
// deployRequest) and the test fast path (`deploySource`) go through, plus the asynchronous job registry
// that checkDeployStatus and cancelDeploy read. A deploy validates the whole package first; with
// rollbackOnError (what `sf project deploy start` sends) any failure means nothing is applied.
import JSZip from 'jszip';
import { makeId } from '../store/ids.js';
import type { LocalOrgStore } from '../store/org-store.js';
import { applyPackage, plannedComponents, type Applied } from './apply.js';
import { readPackage, type Failure, type MetadataPackage } from './package.js';
import { validatePackage } from './validate.js';

export type DeployOptions = {
  checkOnly?: boolean;
  rollbackOnError?: boolean;
  ignoreWarnings?: boolean;
  singlePackage?: boolean;
  purgeOnDelete?: boolean;
  testLevel?: string;
  runTests?: string[];
};

const flag = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);

/** DeployOptions from a request: SOAP sends every value as text, REST as JSON values. */
export function deployOptionsFrom(raw: Record<string, unknown> | undefined): DeployOptions {
  const o = raw ?? {};
  const tests = o.runTests;
  return {
    checkOnly: flag(o.checkOnly),
    rollbackOnError: flag(o.rollbackOnError),
    ignoreWarnings: flag(o.ignoreWarnings),
    singlePackage: flag(o.singlePackage),
    purgeOnDelete: flag(o.purgeOnDelete),
    testLevel: typeof o.testLevel === 'string' ? o.testLevel : undefined,
    runTests: Array.isArray(tests) ? tests.map(String) : typeof tests === 'string' ? [tests] : undefined,
  };
}

export type DeployStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'SucceededPartial' | 'Failed' | 'Canceling' | 'Canceled';

/** A DeployMessage as jsforce's schema names its fields; booleans are real booleans. */
export type DeployMessage = {
  changed: boolean;
  componentType: string;
  created: boolean;
  createdDate: string;
  deleted: boolean;
  fileName: string;
  fullName: string;
  id?: string;
  problem?: string;
  problemType?: 'Error' | 'Warning';
  success: boolean;
};

export type DeployResult = {
  id: string;
  checkOnly: boolean;
  completedDate?: string;
  createdBy: string;
  createdByName: string;
  createdDate: string;
  details: { componentSuccesses: DeployMessage[]; componentFailures: DeployMessage[]; runTestResult: { numFailures: number; numTestsRun: number; totalTime: number } };
  done: boolean;
  errorMessage?: string;
  errorStatusCode?: string;
  ignoreWarnings: boolean;
  lastModifiedDate: string;
  numberComponentErrors: number;
  numberComponentsDeployed: number;
  numberComponentsTotal: number;
  numberTestErrors: number;
  numberTestsCompleted: number;
  numberTestsTotal: number;
  rollbackOnError: boolean;
  runTestsEnabled: boolean;
  startDate?: string;
  stateDetail?: string;
  status: DeployStatus;
  success: boolean;
};

export type Deployer = { userId: string; userName: string };

/** The outcome of validating (and unless checkOnly, applying) a package. */
export type DeployOutcome = { status: 'Succeeded' | 'SucceededPartial' | 'Failed'; failures: Failure[]; applied: Applied[]; errorMessage?: string };

const failureKey = (f: { componentType: string; fullName: string }) => `${f.componentType}#${f.fullName}`;

/** The package without the components that failed, for a deploy that keeps what is valid. */
function without(pkg: MetadataPackage, failures: Failure[]): MetadataPackage {
  const failed = new Set(failures.map(failureKey));
  return {
    version: pkg.version,
    objects: pkg.objects
      .filter((o) => !failed.has(`CustomObject#${o.name}`))
      .map((o) => ({ ...o, fields: o.fields.filter((f) => !failed.has(`CustomField#${o.name}.${String(f.fullName ?? '')}`)) }))
      .filter((o) => o.object !== undefined || o.fields.length > 0),
    permissionSets: pkg.permissionSets.filter((p) => !failed.has(`PermissionSet#${p.name}`)),
    bundles: pkg.bundles.filter((b) => !failed.has(`LightningComponentBundle#${b.name}`)),
  };
}

/**
 * Validates the package files (path inside the package -> bytes) against the org and, unless checkOnly,
 * applies them. With rollbackOnError false the valid components are still deployed: failures are
 * removed and the rest re-validated until nothing more fails, so nothing applied depends on a failure.
 */
export function deployFiles(store: LocalOrgStore, files: Map<string, Buffer>, opts: DeployOptions = {}): DeployOutcome {
  const rollbackOnError = opts.rollbackOnError ?? true;
  const read = readPackage(files);
  let pkg = read.pkg;
  const failures = [...read.failures, ...validatePackage(store, pkg)];
  if (failures.length > 0 && rollbackOnError) return { status: 'Failed', failures, applied: [] };
  let round = failures;
  while (round.length > 0) {
    pkg = without(pkg, round);
    round = validatePackage(store, pkg);
    failures.push(...round);
  }
  const empty = pkg.objects.length + pkg.permissionSets.length + pkg.bundles.length === 0;
  if (failures.length > 0 && empty) return { status: 'Failed', failures, applied: [] };
  const status = failures.length > 0 ? 'SucceededPartial' : 'Succeeded';
  if (opts.checkOnly) return { status, failures, applied: plannedComponents(store, pkg) };
  try {
    return { status, failures, applied: applyPackage(store, pkg) };
  } catch (err) {
    // The transaction rolled the tables back; the in-memory schema must follow it.
    store.reloadSchema();
    return { status: 'Failed', failures, applied: [], errorMessage: `UNKNOWN_EXCEPTION: ${(err as Error).message}` };
  }
}

export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const archive = await JSZip.loadAsync(zip);
  const files = new Map<string, Buffer>();
  for (const entry of Object.values(archive.files)) {
    if (!entry.dir) files.set(entry.name.replace(/\\/g, '/'), await entry.async('nodebuffer'));
  }
  return files;
}

type Job = { result: DeployResult };

export type DeployService = {
  /** Queues a deploy of a zip; the returned id is polled with status(). */
  start(zip: Buffer, opts: DeployOptions, by: Deployer): string;
  status(id: string): DeployResult | undefined;
  /** Requests cancellation; undefined for an unknown id. */
  cancel(id: string): { done: boolean; id: string } | undefined;
  /** Runs a deploy of already-unzipped files to completion (the fast path). */
  run(files: Map<string, Buffer>, opts: DeployOptions, by: Deployer): DeployResult;
};

export function createDeployService(store: LocalOrgStore, clock: () => Date): DeployService {
  const jobs = new Map<string, Job>();
  let counter = 0;

  const newResult = (opts: DeployOptions, by: Deployer): DeployResult => {
    const now = clock().toISOString();
    const id = makeId('0Af', ++counter);
    return {
      id,
      checkOnly: opts.checkOnly ?? false,
      createdBy: by.userId.slice(0, 15),
      createdByName: by.userName,
      createdDate: now,
      details: { componentSuccesses: [], componentFailures: [], runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 } },
      done: false,
      ignoreWarnings: opts.ignoreWarnings ?? false,
      lastModifiedDate: now,
      numberComponentErrors: 0,
      numberComponentsDeployed: 0,
      numberComponentsTotal: 0,
      numberTestErrors: 0,
      numberTestsCompleted: 0,
      numberTestsTotal: 0,
      rollbackOnError: opts.rollbackOnError ?? true,
      runTestsEnabled: false,
      status: 'Pending',
      success: false,
    };
  };

  const finish = (result: DeployResult, outcome: DeployOutcome): DeployResult => {
    const now = clock().toISOString();
    const message = (m: Omit<DeployMessage, 'createdDate' | 'deleted'>): DeployMessage => ({ ...m, createdDate: now, deleted: false });
    const successes: DeployMessage[] =
      outcome.status === 'Failed'
        ? []
        : [
            message({ changed: true, componentType: '', created: false, fileName: 'package.xml', fullName: 'package.xml', success: true }),
            ...outcome.applied.map((a) =>
              message({ changed: a.changed, componentType: a.componentType, created: a.created, fileName: a.fileName, fullName: a.fullName, success: true, ...(a.id ? { id: a.id } : {}) }),
            ),
          ];
    const failures = outcome.failures.map((f) =>
      message({ changed: false, componentType: f.componentType, created: false, fileName: f.fileName, fullName: f.fullName, problem: f.problem, problemType: 'Error', success: false }),
    );
    const deployed = outcome.status === 'Failed' ? 0 : outcome.applied.length;
    return {
      ...result,
      details: { ...result.details, componentSuccesses: successes, componentFailures: failures },
      done: true,
      completedDate: now,
      lastModifiedDate: now,
      startDate: result.startDate ?? now,
      status: outcome.status,
      success: outcome.status !== 'Failed',
      numberComponentErrors: failures.length,
      numberComponentsDeployed: deployed,
      numberComponentsTotal: deployed + failures.length,
      ...(outcome.errorMessage ? { errorMessage: outcome.errorMessage, errorStatusCode: 'UNKNOWN_EXCEPTION' } : {}),
    };
  };

  const run = (files: Map<string, Buffer>, opts: DeployOptions, result: DeployResult): DeployResult => finish(result, deployFiles(store, files, opts));

  return {
    start(zip, opts, by) {
      const job: Job = { result: newResult(opts, by) };
      jobs.set(job.result.id, job);
      // Deploys run after the response is sent, as a real org queues them; polling sees InProgress first.
      setImmediate(() => {
        if (job.result.status !== 'Pending') return; // canceled while queued
        job.result = { ...job.result, status: 'InProgress', startDate: clock().toISOString() };
        unzip(zip).then(
          (files) => {
            if (job.result.status === 'InProgress') job.result = run(files, opts, job.result);
          },
          (err: unknown) => {
            job.result = finish(job.result, {
              status: 'Failed',
              applied: [],
              failures: [{ componentType: '', fullName: 'package.xml', fileName: 'package.xml', problem: `Error reading the zip file: ${(err as Error).message}` }],
            });
          },
        );
      });
      return job.result.id;
    },
    status(id) {
      return jobs.get(id)?.result;
    },
    cancel(id) {
      const job = jobs.get(id);
      if (!job) return undefined;
      if (!job.result.done) {
        const now = clock().toISOString();
        job.result = { ...job.result, status: 'Canceled', done: true, completedDate: now, lastModifiedDate: now };
      }
      return { done: job.result.done, id };
    },
    run(files, opts, by) {
      const result = run(files, opts, newResult(opts, by));
      jobs.set(result.id, { result });
      return result;
    },
  };
}
