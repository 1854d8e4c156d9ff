// A loopback HTTP server that answers just the query, describe and limits calls extraction makes, over an
// in-memory record list, so extraction unit tests run real jsforce without the full local-org emulator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';

export type FakeRecord = Record<string, unknown> & { Id: string; SystemModstamp: string; IsDeleted: boolean };

export type FakeOrg = {
  conn: Connection;
  records: Map<string, FakeRecord[]>;
  requests: string[];
  close(): Promise<void>;
};

export async function startFakeQueryOrg(records: Record<string, FakeRecord[]>, pageSize = 2000): Promise<FakeOrg> {
  const data = new Map(Object.entries(records));
  const requests: string[] = [];
  const cursors = new Map<string, { rows: FakeRecord[]; at: number; fields: string[] }>();
  let nextLocator = 1;
  const page = (id: string): object => {
    const c = cursors.get(id) as { rows: FakeRecord[]; at: number; fields: string[] };
    const slice = c.rows.slice(c.at, c.at + pageSize);
    c.at += slice.length;
    const done = c.at >= c.rows.length;
    return {
      totalSize: c.rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v62.0/query/${id}` }),
      records: slice.map((r) => Object.fromEntries([['attributes', { type: 'X' }], ...c.fields.map((f) => [f, r[f] ?? null])])),
    };
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'sforce-limit-info': `api-usage=${requests.length}/15000` });
      res.end(JSON.stringify(body));
    };
    const m = /^\/services\/data\/v[\d.]+\/(query|queryAll)(?:\/(\w+))?$/.exec(url.pathname);
    if (m && m[2]) return send(200, page(m[2]));
    if (m) {
      const q = url.searchParams.get('q') ?? '';
      const qm = /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY .+)?$/.exec(q);
      if (!qm) return send(400, [{ errorCode: 'MALFORMED_QUERY', message: q }]);
      let rows = (data.get(qm[2]) ?? []).filter((r) => m[1] === 'queryAll' || !r.IsDeleted);
      // the two shapes extraction sends: "SystemModstamp > T" and the keyset "(… > T OR (… = T AND Id > 'X'))"
      const stamp = (r: FakeRecord): number => Date.parse(r.SystemModstamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      const gt = qm[3] && /^SystemModstamp > (\S+)$/.exec(qm[3]);
      const ks = qm[3] && /^\(SystemModstamp > (\S+) OR \(SystemModstamp = \S+ AND Id > '(\w+)'\)\)$/.exec(qm[3]);
      if (qm[3] && !gt && !ks) return send(400, [{ errorCode: 'MALFORMED_QUERY', message: q }]);
      if (gt) rows = rows.filter((r) => stamp(r) > Date.parse(gt[1]));
      if (ks) rows = rows.filter((r) => stamp(r) > Date.parse(ks[1]) || (stamp(r) === Date.parse(ks[1]) && r.Id > ks[2]));
      rows = [...rows].sort((a, b) => a.SystemModstamp.localeCompare(b.SystemModstamp) || a.Id.localeCompare(b.Id));
      if (qm[1] === 'COUNT()') return send(200, { totalSize: rows.length, done: true, records: [] });
      const id = `L${nextLocator++}`;
      cursors.set(id, { rows, at: 0, fields: qm[1].split(',').map((s) => s.trim()) });
      return send(200, page(id));
    }
    const d = /\/sobjects\/(\w+)\/describe$/.exec(url.pathname);
    if (d) {
      const sample = (data.get(d[1]) ?? [])[0] ?? {};
      const fields = Object.keys(sample).map((name) => ({ name, type: typeof sample[name] === 'boolean' ? 'boolean' : typeof sample[name] === 'number' ? 'double' : 'string' }));
      return send(200, { name: d[1], fields });
    }
    if (url.pathname.endsWith('/limits')) return send(200, { DailyApiRequests: { Max: 15000, Remaining: 15000 - requests.length } });
    send(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const conn = new Connection({ instanceUrl: `http://127.0.0.1:${port}`, accessToken: 'test-token', version: '62.0' });
  return { conn, records: data, requests, close: () => new Promise((r) => server.close(() => r())) };
}

/** n records with SystemModstamps one minute apart from `start`. */
export function fakeRecords(prefix: string, n: number, start: string, extra: (i: number) => Record<string, unknown> = () => ({})): FakeRecord[] {
  const t0 = Date.parse(start);
  return Array.from({ length: n }, (_, i) => ({
    Id: `${prefix}${String(i).padStart(18 - prefix.length, '0')}`,
    SystemModstamp: new Date(t0 + i * 60_000).toISOString().replace('Z', '+0000'),
    IsDeleted: false,
    Name: `R${i}`,
    ...extra(i),
  }));
}
