import { SfCommand } from '@salesforce/sf-plugins-core';
import type { SfError } from '@salesforce/core';
import { withOrgErrorActions } from './org-errors.js';

/** SfCommand whose failures raised by the org (expired session, API limit, missing access) say what to do. */
export abstract class RecoCommand<T> extends SfCommand<T> {
  protected override catch(error: Error | SfError | SfCommand.Error): Promise<never> {
    return super.catch(withOrgErrorActions(error));
  }
}
