import { Flags } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('@reco/plugin-reco', 'sync-server');

/**
 * The flags that point a command at a Reco sync server instead of the org. Both or neither: a URL without its
 * token could only be refused, and a token alone has nowhere to go.
 */
export const syncServerFlags = {
  'server-url': Flags.url({ summary: messages.getMessage('flags.server-url.summary'), dependsOn: ['server-token'] }),
  'server-token': Flags.string({ summary: messages.getMessage('flags.server-token.summary'), dependsOn: ['server-url'] }),
};

/**
 * GETs a path of the sync server's API (relative to --server-url, which may carry a path prefix) and returns the
 * parsed body. Unreachable servers and refusals become errors that name the server and what to check.
 */
export async function getFromSyncServer<T>(server: URL, token: string, path: string): Promise<T> {
  const target = new URL(path, server.href.endsWith('/') ? server : new URL(`${server.href}/`));
  let res: Response;
  try {
    res = await fetch(target, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  } catch (err) {
    throw messages.createError('error.ServerUnreachable', [server.origin, (err as Error).message]);
  }
  if (!res.ok) throw messages.createError('error.ServerRefused', [server.origin, String(res.status), await res.text()]);
  return (await res.json()) as T;
}
