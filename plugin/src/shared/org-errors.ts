import { Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'shared');

/** The org's error codes (and Node's network codes) that an admin can act on, with the actions to show. */
const ACTIONS_BY_CODE: Record<string, string> = {
  INVALID_SESSION_ID: 'actions.SessionInvalid',
  INVALID_AUTH_HEADER: 'actions.SessionInvalid',
  REQUEST_LIMIT_EXCEEDED: 'actions.LimitExceeded',
  INSUFFICIENT_ACCESS: 'actions.NoAccess',
  INSUFFICIENT_ACCESS_OR_READONLY: 'actions.NoAccess',
  INVALID_TYPE: 'actions.NoAccess',
  INVALID_FIELD: 'actions.NoAccess',
  ECONNREFUSED: 'actions.Unreachable',
  ENOTFOUND: 'actions.Unreachable',
  ECONNRESET: 'actions.Unreachable',
  ETIMEDOUT: 'actions.Unreachable',
};

type OrgFailure = Error & { errorCode?: string; code?: string; cause?: { code?: string }; actions?: string[] };

/**
 * Adds what to do next to an error the org (or the network to it) raised. The error keeps its name, which is
 * the org's error code, so scripts reading `--json` still see INVALID_SESSION_ID and the like. Errors that
 * already carry actions, and codes nobody can act on, pass through unchanged.
 */
export function withOrgErrorActions<E extends Error>(error: E): E | SfError {
  const e = error as OrgFailure;
  if (e.actions?.length) return error;
  const code = e.errorCode ?? e.code ?? e.cause?.code ?? e.name;
  const key = ACTIONS_BY_CODE[code];
  if (!key) return error;
  return new SfError(e.message, e.name === 'Error' || e.name === 'TypeError' ? code : e.name, messages.getMessages(key), 1, error);
}
