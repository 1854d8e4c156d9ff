// The first check on every request, before the fast path and express: DNS-rebinding protection and the
// headers every response carries.
//
// A page on evil.example whose DNS name is re-pointed at 127.0.0.1 talks to this server as a loopback client
// but sends `Host: evil.example:3000`. The loopback-only conveniences (the token written into the dashboard
// page, the LWC preview that edits records with no token) must not answer it, so a request is served only
// when its Host is one of this server's own names (the bound address, and the loopback names when bound to
// loopback) or an operator-listed one (RECO_ALLOWED_HOSTS, for a reverse proxy's name).
// A browser always sends Origin on cross-site state-changing requests, so a foreign Origin on anything but
// GET/HEAD/OPTIONS is refused too: a page allowed by Host still cannot post to the API from another site.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback } from './loopback.js';

/** Headers on every response: nothing is sniffed into an executable type, nothing can be framed. */
const BASE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // API data (recommendations, insights, tokens in the page) must not be kept by a shared or browser cache;
  // static asset routes replace this with their own caching header.
  'Cache-Control': 'no-store',
};

// Probes come from orchestrators that address the pod by IP; they reveal nothing an attacker could use.
const HOST_EXEMPT = new Set(['/health', '/ready']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export type GuardOptions = {
  /** Extra accepted Host values, "name" (any port) or "name:port" (RECO_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
};

type Request = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & { socket: { localAddress?: string; localPort?: number } };

/**
 * The names this connection may use: the address and port it arrived at (an IP literal, which DNS rebinding
 * can never produce: the attacker's page keeps its own name in Host), the loopback names when it arrived on
 * loopback, and the operator's list. Taken from the socket, so it holds however the server was bound.
 */
export function ownHosts(socket: Request['socket'], allowedHosts: readonly string[] = []): { exact: Set<string>; anyPort: Set<string> } {
  const address = (socket.localAddress ?? '').replace(/^::ffff:(?=\d)/, '').toLowerCase();
  const port = socket.localPort ?? 0;
  const names = isLoopback(address) ? [...LOOPBACK_NAMES, address.includes(':') ? `[${address}]` : address] : [address.includes(':') ? `[${address}]` : address];
  const exact = new Set(names.map((n) => `${n}:${port}`));
  const anyPort = new Set<string>();
  for (const entry of allowedHosts) {
    const value = entry.trim().toLowerCase();
    if (!value) continue;
    if (/:\d+$/.test(value)) exact.add(value);
    else anyPort.add(value);
  }
  return { exact, anyPort };
}

/** Host header value -> "name:port" with the default port made explicit, or null when it is not a host. */
function normalizeHost(value: string, defaultPort: number): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!match) return null;
  return `${match[1].toLowerCase()}:${match[2] ?? defaultPort}`;
}

export type GuardRefusal = { status: number; code: string; message: string };

/**
 * Returns the check: why a request must be refused, or null to serve it. It runs before the fast path on
 * every request, so the accepted names are built once per local address and an exact Host match (the usual
 * case) costs one lookup.
 */
export function requestChecker(options: GuardOptions = {}): (req: Request) => GuardRefusal | null {
  const bySocket = new Map<string, ReturnType<typeof ownHosts>>();
  return (req) => {
    const key = `${req.socket.localAddress}|${req.socket.localPort}`;
    let allowed = bySocket.get(key);
    if (!allowed) {
      allowed = ownHosts(req.socket, options.allowedHosts);
      if (bySocket.size < 64) bySocket.set(key, allowed); // a handful of local addresses, at most
    }
    return check(req, allowed);
  };
}

function check(req: Request, allowed: ReturnType<typeof ownHosts>): GuardRefusal | null {
  const accepts = (hostPort: string | null): boolean => {
    if (!hostPort) return false;
    return allowed.exact.has(hostPort) || allowed.anyPort.has(hostPort.replace(/:\d+$/, ''));
  };
  const host = req.headers.host;
  if (!(host !== undefined && allowed.exact.has(host.toLowerCase())) && !HOST_EXEMPT.has((req.url ?? '/').split('?')[0])) {
    if (!accepts(host ? normalizeHost(host, 80) : null)) {
      return {
        status: 421,
        code: 'misdirected_request',
        message: `Host ${JSON.stringify(String(host ?? '').slice(0, 100))} is not a name this server answers to `
          + `(it answers to ${[...allowed.exact, ...allowed.anyPort].join(', ')}). `
          + 'If a proxy or DNS name fronts it, add that name to RECO_ALLOWED_HOSTS (server.allowedHosts).',
      };
    }
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !SAFE_METHODS.has(req.method ?? 'GET') && !accepts(originHost(origin))) {
    return {
      status: 403,
      code: 'forbidden_origin',
      message: `Requests from origin ${JSON.stringify(origin.slice(0, 100))} may not change anything here; `
        + 'call the API from the dashboard itself or from a client that sends no foreign Origin',
    };
  }
  return null;
}

function originHost(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin); // "null" (sandboxed frames, file:) is not a URL and is refused
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return normalizeHost(url.host, url.protocol === 'https:' ? 443 : 80);
}

/** Sets the base headers and answers refused requests; returns true when the request was answered. */
export function requestGuard(options: GuardOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const checkRequest = requestChecker(options);
  return (req, res) => {
    for (const name in BASE_HEADERS) res.setHeader(name, BASE_HEADERS[name]);
    const refusal = checkRequest(req);
    if (!refusal) return false;
    const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
    res.writeHead(refusal.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}

/** For static asset routes: drop the base no-store so the file server's own caching header applies. */
export const allowCaching = (res: Pick<ServerResponse, 'removeHeader'>): void => { res.removeHeader('Cache-Control'); };
