import { Flags } from '@salesforce/sf-plugins-core';
import { RecoCommand } from '../../../shared/reco-command.js';
import { Messages, SfError } from '@salesforce/core';
import type { Connection as JsforceConnection } from 'jsforce';
import { checkOrg, whoAmI, type OrgProblem } from '@reco/sync-server';
import { checkPermissionSets, type PermissionSetCheck } from '../../../shared/permission-sets.js';
import { checkDataReadiness, countActivities, formatHave, type ReadinessCheck } from '../../../shared/readiness.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'reco.org.check');

export type RecoOrgCheckResult = {
  ready: boolean;
  username: string;
  problems: OrgProblem[];
  warnings: OrgProblem[];
  /** Facts about the org that need no action (a single-currency org, say). */
  notes: OrgProblem[];
  permissionSets: PermissionSetCheck[];
  readiness: ReadinessCheck[];
  activities: { tasks: number; events: number };
};

export default class RecoOrgCheck extends RecoCommand<RecoOrgCheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
  };

  public async run(): Promise<RecoOrgCheckResult> {
    const { flags } = await this.parse(RecoOrgCheck);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);

    this.spinner.start(messages.getMessage('progress.Metadata'));
    // @salesforce/core's Connection is jsforce's under another package name; checkOrg only describes objects.
    const metadata = await checkOrg(conn as unknown as JsforceConnection);
    this.spinner.status = messages.getMessage('progress.PermissionSets');
    // The org, not sf's stored auth, says who the token acts as: an access-token login stores the token as the
    // username and no user id, and a JWT or web login need not store the user id either.
    const me = await whoAmI(conn as unknown as JsforceConnection);
    const permissionSets = await checkPermissionSets(conn, me.userId);
    this.spinner.status = messages.getMessage('progress.Data');
    const readiness = await checkDataReadiness(conn);
    const activities = await countActivities(conn);
    this.spinner.stop();

    const warnings = [...metadata.warnings];
    if (activities.tasks + activities.events === 0) {
      warnings.push({ object: 'Task, Event', problem: messages.getMessage('warning.NoActivities'), fix: messages.getMessage('warning.NoActivities.fix') });
    }
    const problems = [...metadata.problems];
    for (const ps of permissionSets.filter((p) => !p.present)) {
      problems.push({ object: ps.name, problem: messages.getMessage('problem.PermsetMissing'), fix: messages.getMessage('fix.Deploy') });
    }
    const username = me.username;
    const result: RecoOrgCheckResult = {
      ready: problems.length === 0 && readiness.every((r) => r.ready),
      username,
      problems,
      warnings,
      notes: metadata.notes,
      permissionSets,
      readiness,
      activities,
    };
    this.report(result);
    if (!result.ready) {
      const fixes = [...new Set([...problems.map((p) => p.fix), ...readiness.filter((r) => !r.ready).map((r) => messages.getMessage('fix.Data', [r.model, r.measure, r.need]))])];
      throw new SfError(messages.getMessage('error.NotReady', [problems.length, readiness.filter((r) => !r.ready).length]), 'NotReadyError', fixes, 1, undefined).setData(result);
    }
    this.logSuccess(messages.getMessage('success', [username]));
    return result;
  }

  private report(result: RecoOrgCheckResult): void {
    if (result.problems.length > 0 || result.warnings.length > 0 || result.notes.length > 0) {
      this.table({
        title: messages.getMessage('title.Problems'),
        data: [
          ...result.problems.map((p) => ({ Severity: 'problem', Where: p.field ? `${p.object}.${p.field}` : p.object, Problem: p.problem, Fix: p.fix })),
          ...result.warnings.map((p) => ({ Severity: 'warning', Where: p.field ? `${p.object}.${p.field}` : p.object, Problem: p.problem, Fix: p.fix })),
          ...result.notes.map((p) => ({ Severity: 'info', Where: p.field ? `${p.object}.${p.field}` : p.object, Problem: p.problem, Fix: p.fix })),
        ],
      });
    }
    this.table({
      title: messages.getMessage('title.PermissionSets'),
      data: result.permissionSets.map((p) => ({ 'Permission set': p.name, Deployed: p.present ? 'yes' : 'no', 'Assigned to you': p.assignedToYou ? 'yes' : 'no' })),
    });
    this.table({
      title: messages.getMessage('title.Data'),
      data: result.readiness.map((r) => ({ Model: r.model, Measure: r.measure, Have: formatHave(r), Need: r.need.toLocaleString('en-US'), Ready: r.ready ? 'yes' : 'no' })),
    });
  }
}
