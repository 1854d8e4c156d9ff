// A throwaway PostgreSQL cluster for the tests: initdb into a new temp directory, listen on 127.0.0.1 only at
// a free port, and remove everything on stop. Debian's server binaries are used as they are (no download).
// PostgreSQL refuses to run as root, so under root the cluster runs as the `postgres` user Debian creates.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The directory that holds initdb, pg_ctl and postgres, or null when PostgreSQL's server is not installed. */
export function findPostgresBin() {
  const candidates = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    // Newest major version first.
    for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, v, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function runAs(owner, bin, args) {
  const result = spawnSync(bin, args, { encoding: 'utf8', ...owner, cwd: tmpdir() });
  if (result.status !== 0) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (exit ${result.status}): ${(result.stderr || result.stdout || '').trim()}`);
  }
  return result.stdout;
}

function ownerFor() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as; install Debian\'s postgresql package (scripts/ensure-postgres.sh)');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Starts a cluster and returns its superuser URL (trust auth, loopback only, no password to leak) and stop().
 * stop() is idempotent and removes the data directory.
 */
export async function startThrowawayPostgres() {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian\'s postgresql package (scripts/ensure-postgres.sh)');
  const owner = ownerFor();
  const dir = mkdtempSync(path.join(tmpdir(), 'reco-pg-'));
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const log = path.join(dir, 'server.log');
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...owner, cwd: tmpdir(), stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAs(owner, path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // Throwaway: durability is not wanted, speed is. Unix socket in the cluster's own directory, TCP on loopback.
    writeFileSync(path.join(data, 'postgresql.auto.conf'), [
      `listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${dir}'`,
      'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'max_connections = 200',
      'shared_buffers = 128MB', '',
    ].join('\n'));
    if (owner.uid !== undefined) chownSync(path.join(data, 'postgresql.auto.conf'), owner.uid, owner.gid);
    runAs(owner, path.join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  } catch (error) {
    stop();
    throw error;
  }
  const version = runAs(owner, path.join(bin, 'postgres'), ['--version']).trim();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, version, dir, stop };
}
