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
};

/** Node's and undici's codes for "the org did not answer", with what each means in words. */
const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing is listening there)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  CERT_HAS_EXPIRED: "the org's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the org's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the org's TLS certificate cannot be verified",
};

type OrgFailure = Error & { errorCode?: string; code?: string; cause?: { code?: string; errors?: Array<{ code?: string }> }; actions?: string[] };

/** The network code of a failed request: jsforce passes fetch's TypeError through, the code is on its cause. */
function networkCode(e: OrgFailure): string | undefined {
  for (const code of [e.code, e.cause?.code, e.cause?.errors?.[0]?.code, e.name]) if (code && code in NETWORK_FAILURES) return code;
  return undefined;
}

/**
 * Adds what to do next to an error the org (or the network to it) raised. The error keeps its name, which is
 * the org's error code, so scripts reading `--json` still see INVALID_SESSION_ID and the like. A request that
 * never reached the org ("fetch failed") becomes OrgUnreachableError naming the URL (when known) and why.
 * Errors that already carry actions, and codes nobody can act on, pass through unchanged.
 */
export function withOrgErrorActions<E extends Error>(error: E, instanceUrl?: string): E | SfError {
  const e = error as OrgFailure;
  if (e.actions?.length) return error;
  const network = networkCode(e);
  if (network) {
    // No cause: fetch's TypeError as cause would make sf report exit code 10, its code for a bug in the CLI.
    const unreachable = messages.createError('error.OrgUnreachable', [instanceUrl ?? messages.getMessage('unknownUrl'), NETWORK_FAILURES[network]]);
    return unreachable.setData({ code: network, instanceUrl: instanceUrl ?? null, detail: e.message });
  }
  const code = e.errorCode ?? e.code ?? e.cause?.code ?? e.name;
  const key = ACTIONS_BY_CODE[code];
  if (!key) return error;
  return new SfError(e.message, e.name === 'Error' || e.name === 'TypeError' ? code : e.name, messages.getMessages(key), 1, error);
}
