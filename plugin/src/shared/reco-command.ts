import { SfCommand } from '@salesforce/sf-plugins-core';
import { Org, type SfError } from '@salesforce/core';
import type { Interfaces } from '@oclif/core';
import { withOrgErrorActions } from './org-errors.js';

// oclif's own constraint for parsed flags and args (FlagOutput, ArgOutput), which it does not export.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Parsed = Record<string, any>;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] as const;

/** SfCommand whose failures raised by the org (expired session, API limit, missing access, no answer) say what to do. */
export abstract class RecoCommand<T> extends SfCommand<T> {
  /** The org's instance URL once --target-org is parsed, so a network failure can name where it tried. */
  private orgUrl: string | undefined;

  protected override async parse<F extends Parsed, B extends Parsed, A extends Parsed>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const org = (parsed.flags as Record<string, unknown>)['target-org'];
    if (org instanceof Org) this.orgUrl = org.getConnection().instanceUrl;
    return parsed;
  }

  /**
   * SfCommand adds SIGINT/SIGTERM/SIGBREAK/SIGHUP listeners on every run and never removes them. The sf CLI
   * runs one command per process, so that leaks nothing there; but a process that runs commands one after
   * another (the test suites, a script calling Command.run) collects four per run until Node warns
   * MaxListenersExceeded. The ones this run added are removed when it ends: the command they stop is over.
   */
  public override async _run<R>(): Promise<R> {
    const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    try {
      return await super._run<R>();
    } finally {
      for (const signal of SIGNALS) {
        for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
      }
    }
  }

  protected override catch(error: Error | SfError | SfCommand.Error): Promise<never> {
    return super.catch(withOrgErrorActions(error, this.orgUrl));
  }
}
