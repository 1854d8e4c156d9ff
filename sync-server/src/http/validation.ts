// Input schemas for every route, and one way to apply them: a 400 whose message names the offending input.
import { z } from 'zod';
import { badRequest } from './app-error.js';
import { checkSalesforceId } from './salesforce-id.js';

export const ACCOUNT_PREFIX = '001';
export const MAX_RECOMMENDATIONS = 50;
export const MAX_RUNS = 200;

export const accountIdParam = z.string().transform((value, ctx) => {
  const check = checkSalesforceId(value, ACCOUNT_PREFIX);
  if (check.ok) return check.id18;
  ctx.addIssue({ code: 'custom', message: `account id '${value.slice(0, 40)}' ${check.problem}` });
  return z.NEVER;
});

// `sf reco recommend show --kind` spells the kinds cross-sell and buy-again; the API takes that spelling
// too (any case, space or hyphen), so one word works everywhere. Answers carry the org's picklist value.
const KIND_BY_SLUG: Record<string, 'Cross-sell' | 'Buy again'> = { 'cross-sell': 'Cross-sell', 'buy-again': 'Buy again' };
export const recommendationKind = z.string().transform((value, ctx) => {
  const kind = KIND_BY_SLUG[value.trim().toLowerCase().replace(/\s+/g, '-')];
  if (kind) return kind;
  ctx.addIssue({ code: 'custom', message: "must be 'cross-sell' or 'buy-again' (the CLI's --kind values; 'Cross-sell' and 'Buy again' work too)" });
  return z.NEVER;
});
export const runKind = z.enum(['Full', 'Incremental'], { error: "must be 'Full' or 'Incremental'" });

const intInRange = (min: number, max: number) =>
  z.string({ error: `must be an integer from ${min} to ${max}` }).regex(/^\d+$/, { error: `must be an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `must be an integer from ${min} to ${max}` }).max(max, { error: `must be an integer from ${min} to ${max}` }));

export const recommendationsQuery = z.strictObject({
  kind: recommendationKind.optional(),
  limit: intInRange(1, MAX_RECOMMENDATIONS).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : undefined) });

export const accountSearchQuery = z.strictObject({
  q: z.string({ error: 'is required: part of an account name' }).trim().min(2, { error: 'must be at least 2 characters of an account name' }).max(80, { error: 'must be at most 80 characters' }),
  limit: intInRange(1, 50).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : undefined) });

export const runsQuery = z.strictObject({
  limit: intInRange(1, MAX_RUNS).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : undefined) });

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD' })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { error: 'is not a calendar date' });

export const impactQuery = z.strictObject({
  since: isoDay.optional(),
  window: intInRange(1, 3650).optional(),
  by: z.enum(['week', 'month'], { error: "must be 'week' or 'month'" }).optional(),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : undefined) });

export const runIdParam = z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, { error: 'run id must be 1-80 letters, digits or _.:-' });

export const triggerBody = z.strictObject({ kind: runKind.default('Incremental') },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) });

/** Parses one part of a request; `where` is 'query', 'body' or a parameter name. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [where, ...issue.path.map(String)].join('.');
  throw badRequest(`${path}: ${issue.message}`);
}
