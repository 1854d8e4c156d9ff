import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';
import { RecoCommand } from '../../shared/reco-command.js';
import { getFromSyncServer, syncServerFlags } from '../../shared/sync-server.js';
import { queryReco } from '../../shared/reco-query.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.impact');

type Group = { accounts: number; recommendations: number | null; converted: number | null; conversionRate: number | null; wonRevenuePerAccount: number | null };
type Interval = [number, number] | null;

export type RecoImpactResult = {
  source: 'server' | 'org';
  windowDays: number | null;
  since: string | null;
  treated: Group;
  holdout: Group;
  lift: { conversion: number | null; ci95: Interval; wonRevenuePerAccount: number | null; wonRevenuePerAccountCi95: Interval };
  verdict: string;
  methods: Record<string, string> | null;
  periods: Array<{ period: string; treatedRate: number | null; holdoutRate: number | null; lift: number | null; ci95: Interval }>;
  /** Shown recommendations reps accepted and how many were followed by a won sale; null when the source has none. */
  acceptedWon: AcceptedWon | null;
};

type AcceptedWon = { accepted: number; won: number; wonRate: number | null; wonRevenue: number | null; treatedWonRate: number | null };

/** The parts of the server's GET /impact answer this command reads (ImpactReport in sync-server/src/impact). */
type ServerReport = {
  windowDays: number;
  since: string | null;
  methods: Record<string, string>;
  treated: Group;
  holdout: Group;
  lift: RecoImpactResult['lift'];
  verdict: { text: string };
  periods: Array<{ period: string; treated: Group; holdout: Group; lift: { conversion: number | null; ci95: Interval } }>;
  /** Absent from a server older than the accepted → won figures. */
  acceptedWon?: AcceptedWon;
};

type RunFigures = {
  Name: string;
  Finished_At__c: string | null;
  Impact_Treated_Accounts__c: number | null;
  Impact_Holdout_Accounts__c: number | null;
  Impact_Treated_Conversion__c: number | null;
  Impact_Holdout_Conversion__c: number | null;
  Impact_Lift__c: number | null;
  Impact_Lift_Low__c: number | null;
  Impact_Lift_High__c: number | null;
  Impact_Verdict__c: string | null;
  Impact_Accepted__c: number | null;
  Impact_Accepted_Won__c: number | null;
  Impact_Accepted_Won_Rate__c: number | null;
  Impact_Accepted_Won_Revenue__c: number | null;
};

const pct = (v: number | null): string => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const pts = (v: number | null): string => (v === null ? '' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);
const range = (i: Interval): string => (i ? `${pts(i[0])} to ${pts(i[1])}` : '');
const fromPercent = (v: number | null): number | null => (v === null ? null : v / 100);

export default class RecoImpact extends RecoCommand<RecoImpactResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    since: Flags.string({ summary: messages.getMessage('flags.since.summary') }),
    window: Flags.integer({ summary: messages.getMessage('flags.window.summary'), min: 1, max: 3650 }),
    by: Flags.option({ summary: messages.getMessage('flags.by.summary'), options: ['week', 'month'] as const, default: 'week' })(),
    ...syncServerFlags,
  };

  public async run(): Promise<RecoImpactResult> {
    const { flags } = await this.parse(RecoImpact);
    if (flags.since !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(flags.since) || Number.isNaN(Date.parse(`${flags.since}T00:00:00Z`)))) {
      throw messages.createError('error.BadSince', [flags.since]);
    }
    let result: RecoImpactResult;
    if (flags['server-url']) {
      result = await this.fromServer(flags['server-url'], flags['server-token'] ?? '', { since: flags.since, window: flags.window, by: flags.by });
    } else {
      // The org holds the last run's figures, not the shadow lists: another window or start needs the server.
      if (flags.since !== undefined || flags.window !== undefined) throw messages.createError('error.NeedsServer');
      result = await this.fromOrg(flags['target-org'].getConnection(flags['api-version']));
    }
    this.show(result);
    return result;
  }

  private show(r: RecoImpactResult): void {
    const row = (name: string, g: Group): Record<string, string | number> => ({
      Group: name,
      Accounts: g.accounts,
      Recommendations: g.recommendations ?? '',
      Converted: g.converted ?? '',
      'Conversion rate': pct(g.conversionRate),
      'Won revenue / account': g.wonRevenuePerAccount === null ? '' : g.wonRevenuePerAccount.toFixed(2),
    });
    this.table({ data: [row(messages.getMessage('group.Treated'), r.treated), row(messages.getMessage('group.Holdout'), r.holdout)] });
    this.log(messages.getMessage('info.Lift', [pts(r.lift.conversion), range(r.lift.ci95)]));
    if (r.lift.wonRevenuePerAccount !== null) this.log(messages.getMessage('info.Revenue', [r.lift.wonRevenuePerAccount.toFixed(2), r.lift.wonRevenuePerAccountCi95 ? `${r.lift.wonRevenuePerAccountCi95[0].toFixed(2)} to ${r.lift.wonRevenuePerAccountCi95[1].toFixed(2)}` : '']));
    this.log(r.verdict);
    const a = r.acceptedWon;
    if (a) {
      this.log(a.accepted === 0
        ? messages.getMessage('info.NoneAccepted')
        : messages.getMessage('info.AcceptedWon', [String(a.won), String(a.accepted), pct(a.wonRate), a.wonRevenue === null ? '' : a.wonRevenue.toFixed(2), pct(a.treatedWonRate)]));
    }
    if (r.periods.length) {
      this.table({
        title: messages.getMessage('title.Periods'),
        data: r.periods.map((p) => ({ Period: p.period, Treated: pct(p.treatedRate), Holdout: pct(p.holdoutRate), Lift: pts(p.lift), '95% CI': range(p.ci95) })),
      });
    }
    if (r.source === 'org') this.log(messages.getMessage('info.FromOrg'));
  }

  private async fromServer(url: URL, token: string, q: { since?: string; window?: number; by: string }): Promise<RecoImpactResult> {
    const params = new URLSearchParams({ by: q.by });
    if (q.since) params.set('since', q.since);
    if (q.window !== undefined) params.set('window', String(q.window));
    const r = (await getFromSyncServer<{ impact: ServerReport }>(url, token, `impact?${params.toString()}`)).impact;
    return {
      source: 'server',
      windowDays: r.windowDays,
      since: r.since,
      treated: r.treated,
      holdout: r.holdout,
      lift: r.lift,
      verdict: r.verdict.text,
      methods: r.methods,
      periods: r.periods.map((p) => ({ period: p.period, treatedRate: p.treated.conversionRate, holdoutRate: p.holdout.conversionRate, lift: p.lift.conversion, ci95: p.lift.ci95 })),
      acceptedWon: r.acceptedWon
        ? { accepted: r.acceptedWon.accepted, won: r.acceptedWon.won, wonRate: r.acceptedWon.wonRate, wonRevenue: r.acceptedWon.wonRevenue, treatedWonRate: r.acceptedWon.treatedWonRate }
        : null,
    };
  }

  private async fromOrg(conn: Parameters<typeof queryReco>[0]): Promise<RecoImpactResult> {
    const [run] = await queryReco<RunFigures>(
      conn,
      'SELECT Name, Finished_At__c, Impact_Treated_Accounts__c, Impact_Holdout_Accounts__c, Impact_Treated_Conversion__c, Impact_Holdout_Conversion__c, ' +
        'Impact_Lift__c, Impact_Lift_Low__c, Impact_Lift_High__c, Impact_Verdict__c, Impact_Accepted__c, Impact_Accepted_Won__c, Impact_Accepted_Won_Rate__c, ' +
        'Impact_Accepted_Won_Revenue__c FROM Reco_Run__c WHERE Impact_Verdict__c != null ' +
        'ORDER BY Finished_At__c DESC NULLS LAST LIMIT 1',
      'Reco_Run__c (with the Impact_* fields)',
    );
    if (!run) throw messages.createError('error.NoFigures');
    const group = (accounts: number | null, rate: number | null): Group => ({ accounts: accounts ?? 0, recommendations: null, converted: null, conversionRate: fromPercent(rate), wonRevenuePerAccount: null });
    const lo = fromPercent(run.Impact_Lift_Low__c);
    const hi = fromPercent(run.Impact_Lift_High__c);
    return {
      source: 'org',
      windowDays: null,
      since: null,
      treated: group(run.Impact_Treated_Accounts__c, run.Impact_Treated_Conversion__c),
      holdout: group(run.Impact_Holdout_Accounts__c, run.Impact_Holdout_Conversion__c),
      lift: { conversion: fromPercent(run.Impact_Lift__c), ci95: lo !== null && hi !== null ? [lo, hi] : null, wonRevenuePerAccount: null, wonRevenuePerAccountCi95: null },
      verdict: run.Impact_Verdict__c ?? '',
      methods: null,
      periods: [],
      acceptedWon: run.Impact_Accepted__c === null
        ? null
        : { accepted: run.Impact_Accepted__c, won: run.Impact_Accepted_Won__c ?? 0, wonRate: fromPercent(run.Impact_Accepted_Won_Rate__c), wonRevenue: run.Impact_Accepted_Won_Revenue__c, treatedWonRate: null },
    };
  }
}
