import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { MockTestOrgData, TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { toRunView } from '@reco/sync-server/http/mirror-store.js';
import type { RunRecord } from '@reco/sync-server/mirror/runs.js';
import RecoStatus from '../../plugin/src/commands/reco/status.js';
import { failureOf } from './fake-org.js';

/** A finished run as the sync server stores it; the server sends it through toRunView, as here. */
const RUN: RunRecord = {
  id: 'run-20261123T100000-abc123',
  kind: 'Incremental',
  status: 'Partial',
  startedAt: '2026-11-23T10:00:00.000Z',
  finishedAt: '2026-11-23T10:01:30.000Z',
  stage: 'finish',
  progress: { extract: { state: 'done', detail: { records: 120 } }, writeback: { state: 'done', detail: { records: 40 } } },
  quality: null,
  summary: { counts: { read: 120, written: 40, failed: 2, unchanged: 7 }, apiCallsByKind: { query: 9, composite: 3, limits: 1 } },
  error: null,
  apiCalls: 13,
};

describe('sf reco status --server-url (unit)', () => {
  const $$ = new TestContext();
  const testOrg = new MockTestOrgData();
  let ux: ReturnType<typeof stubSfCommandUx>;
  let server: Server;
  let url: string;
  let seen: IncomingMessage[];
  let answer: { status: number; body: unknown };

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(async () => {
    await $$.stubAuths(testOrg);
    ux = stubSfCommandUx($$.SANDBOX);
    seen = [];
    answer = { status: 200, body: { active: null, runs: [toRunView(RUN)] } };
  });
  afterEach(() => $$.restore());

  const run = (...more: string[]): Promise<unknown> =>
    RecoStatus.run(['--target-org', testOrg.username, '--server-url', url, '--server-token', 's3cret-token', ...more]);

  it('reads the runs from the sync server with its token and maps its counts', async () => {
    const result = (await run('--limit', '3')) as Awaited<ReturnType<RecoStatus['run']>>;
    expect(seen).to.have.length(1);
    expect(seen[0].url).to.equal('/api/runs?limit=3');
    expect(seen[0].headers.authorization).to.equal('Bearer s3cret-token');
    expect(result.source).to.equal('server');
    expect(result.runs).to.deep.equal([
      {
        name: RUN.id,
        kind: 'Incremental',
        status: 'Partial',
        startedAt: RUN.startedAt,
        finishedAt: RUN.finishedAt,
        recordsRead: 120,
        recordsWritten: 40,
        recordsFailed: 2,
        apiCalls: 13,
        error: null,
      },
    ]);
    expect(ux.table.firstCall.args[0].data[0]).to.include({ Run: RUN.id, Read: 120, Written: 40, Failed: 2, 'API calls': 13 });
  });

  it('says so when the server has no runs yet', async () => {
    answer = { status: 200, body: { active: null, runs: [] } };
    const result = (await run()) as { runs: unknown[] };
    expect(result.runs).to.deep.equal([]);
    expect(ux.log.firstCall.args[0]).to.include('sf reco sync run');
    expect(ux.table.called).to.equal(false);
  });

  it('reports a refused token with the server answer and what to check, without echoing the token', async () => {
    answer = { status: 401, body: { error: { code: 'unauthorized', message: 'missing or invalid bearer token' } } };
    const e = await failureOf(run());
    expect(e.name).to.equal('ServerRefusedError');
    expect(e.message).to.include('401').and.include('invalid bearer token');
    expect(e.message).to.not.include('s3cret-token');
    expect(e.actions?.join('\n')).to.include('--server-token');
  });

  it('reports a server that is not listening', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await failureOf(RecoStatus.run(['--target-org', testOrg.username, '--server-url', `http://127.0.0.1:${port}`, '--server-token', 't']));
    expect(e.name).to.equal('ServerUnreachableError');
    expect(e.message).to.include(`127.0.0.1:${port}`);
    expect(e.actions?.join('\n')).to.include('running');
  });

  it('refuses --server-url without --server-token', async () => {
    const e = await failureOf(RecoStatus.run(['--target-org', testOrg.username, '--server-url', url]));
    expect(e.message).to.include('--server-token');
    expect(e.exitCode).to.equal(2);
    expect(seen).to.have.length(0);
  });
});
