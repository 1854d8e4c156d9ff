// Does this org have what Reco needs? Describes each object once and lists every gap as an action an admin can
// take (deploy the package, grant a permission), instead of failing on the first missing field mid-sync.
// The sf plugin's `sf reco org check` calls checkOrg() directly.
import type { Connection } from 'jsforce';
import { OPTIONAL_FIELDS, SOURCE_OBJECTS } from '../extract/objects.js';
import { RECO_OBJECTS } from '../writeback/reco-objects.js';

export type OrgProblem = { object: string; field?: string; problem: string; fix: string };
/**
 * problems stop a run; warnings are gaps Reco works around (an admin may want to close them); notes are facts
 * about the org that need no action, kept apart so "nothing to do" never reads as a warning.
 */
export type OrgCheckResult = { ok: boolean; problems: OrgProblem[]; warnings: OrgProblem[]; notes: OrgProblem[]; apiVersion: string };

type FieldInfo = { name: string; createable: boolean; updateable: boolean };
type DescribeLike = { name: string; queryable: boolean; createable: boolean; updateable: boolean; fields: FieldInfo[] };

const DEPLOY = 'deploy Reco\'s metadata (sf project deploy start -d force-app) and assign the Reco permission set';

async function describeOrNull(conn: Connection, name: string): Promise<DescribeLike | null> {
  try {
    return (await conn.describe(name)) as unknown as DescribeLike;
  } catch (err) {
    const code = (err as { errorCode?: string }).errorCode ?? (err as Error).name;
    if (code === 'NOT_FOUND' || code === 'INVALID_TYPE') return null;
    throw err;
  }
}

export async function checkOrg(conn: Connection): Promise<OrgCheckResult> {
  const problems: OrgProblem[] = [];
  const warnings: OrgProblem[] = [];
  const notes: OrgProblem[] = [];
  const recoNames = new Set(RECO_OBJECTS.map((o) => o.name));

  for (const src of SOURCE_OBJECTS) {
    const d = await describeOrNull(conn, src.name);
    const isReco = recoNames.has(src.name) || src.recoMetadata === true;
    if (!d) {
      problems.push({ object: src.name, problem: 'object is missing or not visible to this user', fix: isReco ? DEPLOY : `grant Read on ${src.name}` });
      continue;
    }
    if (!d.queryable) problems.push({ object: src.name, problem: 'user cannot read (query) this object', fix: `grant Read on ${src.name}` });
    const have = new Set(d.fields.map((f) => f.name.toLowerCase()));
    for (const f of src.fields) {
      if (have.has(f.toLowerCase())) continue;
      const entry = { object: src.name, field: f, problem: 'field is missing or not readable', fix: isReco ? DEPLOY : `grant Read on ${src.name}.${f} (field-level security)` };
      if (f === 'CurrencyIsoCode') {
        notes.push({ object: src.name, field: f, problem: 'single-currency org', fix: 'nothing to do: amounts are read as the corporate currency' });
      } else if (OPTIONAL_FIELDS.has(f)) {
        warnings.push({ ...entry, problem: 'optional field not available; Reco works without it' });
      } else {
        problems.push(entry);
      }
    }
  }

  for (const reco of RECO_OBJECTS) {
    const d = await describeOrNull(conn, reco.name);
    if (!d) {
      problems.push({ object: reco.name, problem: 'Reco object is missing', fix: DEPLOY });
      continue;
    }
    if (!d.createable || !d.updateable) problems.push({ object: reco.name, problem: 'user cannot create and edit records', fix: `grant Create and Edit on ${reco.name}` });
    const byName = new Map(d.fields.map((f) => [f.name.toLowerCase(), f]));
    for (const name of [reco.externalId, ...reco.fields, ...(reco.createOnly ?? [])]) {
      const f = byName.get(name.toLowerCase());
      if (!f) {
        problems.push({ object: reco.name, field: name, problem: 'field is missing or not visible', fix: DEPLOY });
      } else if (!f.createable) {
        problems.push({ object: reco.name, field: name, problem: 'user cannot set this field', fix: `grant Edit on ${reco.name}.${name} (field-level security)` });
      } else if (!f.updateable && !(reco.createOnly ?? []).includes(name)) {
        problems.push({ object: reco.name, field: name, problem: 'user cannot update this field', fix: `grant Edit on ${reco.name}.${name} (field-level security)` });
      }
    }
  }
  return { ok: problems.length === 0, problems, warnings, notes, apiVersion: conn.version };
}

/** One line per problem, for logs and CLI output. */
export function formatOrgCheck(result: OrgCheckResult): string {
  if (result.ok && result.warnings.length === 0) return 'org check: everything Reco needs is in place';
  const line = (p: OrgProblem): string => `${p.object}${p.field ? `.${p.field}` : ''}: ${p.problem} -> ${p.fix}`;
  return [
    result.ok ? 'org check: ready (with warnings)' : `org check: ${result.problems.length} problem(s)`,
    ...result.problems.map((p) => `  ✗ ${line(p)}`),
    ...result.warnings.map((p) => `  ! ${line(p)}`),
  ].join('\n');
}
