// The dashboard's first screen, decided here rather than in the page so the rules are tested: is Reco working,
// is the data ready, and what should the admin fix, with the Salesforce record ids to open.
import type { RunKind, RunStatus } from '../../domain/run.js';
import type { EvaluationReport, ResultsStore, RunView } from '../ports.js';

export type Verdict = 'working' | 'attention' | 'broken' | 'not-started';
export type Check = { label: string; ok: boolean; detail: string };
export type Fix = { problem: string; object: string; action: 'dropped' | 'flagged'; count: number; recordIds: string[] };
export type ListComparison = {
  list: string; metric: string; reco: number; bestBaseline: string; baseline: number; liftPercent: number | null; users: number | null;
};
export type Overview = {
  verdict: Verdict;
  headline: string;
  lastRun: { id: string; kind: RunKind; status: RunStatus; finishedAt: string | null; error: string | null } | null;
  lastSuccessAt: string | null;
  checks: Check[];
  fixes: Fix[];
  /** Rows the cleaning step repaired on its own: shown for information, nothing to do. */
  repaired: Array<{ problem: string; object: string; count: number }>;
  currency: string | null;
  evaluation: { window: string | null; lists: ListComparison[] } | null;
};

type RuleResult = { rule: string; action: string; object: string; count: number; examples: string[] };
type Readiness = { model: string; ready: boolean; detail: string };
type Quality = { rules?: RuleResult[]; readiness?: Readiness[]; ready?: boolean; output?: Record<string, number> };

/** What each cleaning rule means to an admin; a rule added later still reads as words, not a slug. */
const PROBLEMS: Record<string, string> = {
  'unknown-currency': 'Amount in a currency with no conversion rate',
  'converted-currency': 'Amount converted to the corporate currency',
  'non-product': 'Product that is a fee or service, not something to recommend',
  'duplicate-product-code': 'Products sharing one product code (merged)',
  'orphan-opportunity': 'Opportunity without an account',
  'bad-close-date': 'Opportunity with a missing or impossible close date',
  'non-product-line': 'Opportunity product line for a fee or service',
  'orphan-line': 'Opportunity product line whose opportunity or product is missing',
  'non-positive-quantity-or-price': 'Opportunity product line with zero or negative quantity or price',
  'duplicate-line': 'Opportunity product line entered twice',
  'line-to-canonical-product': 'Line moved to the product its code belongs to',
  'account-without-history': 'Account with no won opportunity (nothing to learn from yet)',
  'duplicate-account-name': 'Accounts with the same name (possible duplicates)',
  'activity-without-account': 'Task or event not linked to an account',
  'bad-activity-date': 'Task or event with a missing or impossible date',
  'incomplete-recommendation': 'Recommendation record missing its account or product',
};
export const describeRule = (rule: string): string => PROBLEMS[rule] ?? rule.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Rules whose hits are expected and need no admin action, even when dropped. */
const EXPECTED = new Set(['non-product', 'non-product-line', 'account-without-history']);

const MODEL_LABELS: Record<string, string> = {
  segmentation: 'Enough customers to form segments',
  'cross-sell': 'Enough baskets and products for cross-sell',
  'buy-again': 'Enough repeat customers for buy-again',
  churn: 'Enough history to estimate churn risk',
};
const modelLabel = (model: string): string => MODEL_LABELS[model] ?? `Enough data for ${model.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
/** "accounts with won orders 4338/50" (the cleaning step's have/need) as "4,338 accounts with won orders (50 needed)". */
export const readableNeeds = (detail: string): string =>
  detail.split(', ').map((part) => {
    const m = /^(.*) (\d+)\/(\d+)$/.exec(part);
    return m ? `${Number(m[2]).toLocaleString('en')} ${m[1]} (${Number(m[3]).toLocaleString('en')} needed)` : part;
  }).join(', ');

const asQuality = (value: unknown): Quality | null => (value && typeof value === 'object' ? (value as Quality) : null);

export async function buildOverview(store: ResultsStore, active: { kind: RunKind } | null): Promise<Overview> {
  const runs = await store.listRuns(20);
  const last = runs.find((r) => r.status !== 'Running') ?? null;
  const lastSuccess = runs.find((r) => r.status === 'Succeeded' || r.status === 'Partial') ?? null;
  const quality = asQuality((runs.find((r) => r.dataQuality != null) ?? null)?.dataQuality);
  const fault = store.fault?.() ?? null;

  const checks: Check[] = [
    { label: 'The local store is open and writable', ok: store.isOpen() && !fault, detail: fault ?? (store.isOpen() ? 'open' : 'closed') },
    runCheck(last, lastSuccess),
    ...(quality?.readiness ?? []).map((r) => ({ label: modelLabel(r.model), ok: r.ready, detail: readableNeeds(r.detail) })),
  ];
  const rules = quality?.rules ?? [];
  const fixes: Fix[] = rules
    .filter((r) => (r.action === 'dropped' || r.action === 'flagged') && !EXPECTED.has(r.rule) && r.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((r) => ({ problem: describeRule(r.rule), object: r.object, action: r.action as Fix['action'], count: r.count, recordIds: r.examples }));
  const repaired = rules.filter((r) => r.action === 'repaired' || EXPECTED.has(r.rule)).map((r) => ({ problem: describeRule(r.rule), object: r.object, count: r.count }));

  const verdict = decide(checks, last, lastSuccess, fixes, active);
  return {
    ...verdict,
    lastRun: last && { id: last.id, kind: last.kind, status: last.status, finishedAt: last.finishedAt, error: last.error },
    lastSuccessAt: lastSuccess?.finishedAt ?? null,
    checks, fixes, repaired,
    currency: await store.currency(),
    evaluation: compareWithBaselines(store.evaluation()),
  };
}

function runCheck(last: RunView | null, lastSuccess: RunView | null): Check {
  if (!last) return { label: 'A sync has finished', ok: false, detail: 'no sync has run yet' };
  if (last.status === 'Succeeded') return { label: 'The last sync succeeded', ok: true, detail: `${last.kind} sync ${last.id}` };
  const since = lastSuccess ? `; last good sync ${lastSuccess.id}` : '; no sync has succeeded yet';
  return { label: 'The last sync succeeded', ok: false, detail: `${last.kind} sync ${last.id} ${last.status.toLowerCase()}${last.error ? `: ${last.error}` : ''}${since}` };
}

function decide(checks: Check[], last: RunView | null, lastSuccess: RunView | null, fixes: Fix[], active: { kind: RunKind } | null): { verdict: Verdict; headline: string } {
  if (!last) {
    return active
      ? { verdict: 'not-started', headline: `The first ${active.kind.toLowerCase()} sync is running; results appear here when it finishes.` }
      : { verdict: 'not-started', headline: 'Reco has not synced yet. Run the first full sync to read the org and build recommendations.' };
  }
  const failing = checks.filter((c) => !c.ok);
  if (!lastSuccess || !checks[0].ok) {
    return { verdict: 'broken', headline: `Reco is not working: ${failing.map((c) => c.detail).join('; ')}.` };
  }
  if (failing.length) {
    return { verdict: 'attention', headline: `Reco is serving recommendations, but ${failing.length === 1 ? 'one check fails' : `${failing.length} checks fail`}: ${failing.map((c) => c.label.toLowerCase()).join('; ')}.` };
  }
  const toFix = fixes.reduce((n, f) => n + f.count, 0);
  return toFix
    ? { verdict: 'working', headline: `Reco is working. ${toFix.toLocaleString('en')} record${toFix === 1 ? '' : 's'} in the org could not be used as they are; fixing them improves the recommendations.` }
    : { verdict: 'working', headline: 'Reco is working and the data is ready. Nothing needs fixing.' };
}

/** The headline metric, as the CLI's `sf reco evaluate` judges it: NDCG@10 against the best simple baseline. */
const METRIC = 'ndcg@10';
const LIST_NAMES: Record<string, string> = { crossSell: 'Cross-sell', buyAgain: 'Buy again' };

export function compareWithBaselines(report: EvaluationReport | null): Overview['evaluation'] {
  if (!report) return null;
  const lists: ListComparison[] = [];
  for (const [task, byModel] of Object.entries(report.tasks)) {
    const reco = byModel.reco?.[METRIC];
    // Reco's own variants sit beside the baselines; only simple baselines count as the bar to beat.
    const baselines = Object.entries(byModel).filter(([name, m]) => !name.startsWith('reco') && typeof m[METRIC] === 'number');
    if (typeof reco !== 'number' || !baselines.length) continue;
    const [bestBaseline, metrics] = baselines.sort((a, b) => b[1][METRIC] - a[1][METRIC])[0];
    const baseline = metrics[METRIC];
    lists.push({
      list: LIST_NAMES[task] ?? task, metric: 'NDCG@10', reco, bestBaseline, baseline,
      liftPercent: baseline > 0 ? Math.round((reco / baseline - 1) * 1000) / 10 : null,
      users: typeof byModel.reco.users === 'number' ? byModel.reco.users : null,
    });
  }
  return { window: report.source ?? null, lists };
}
