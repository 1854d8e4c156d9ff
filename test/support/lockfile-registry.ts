// A package registry on loopback that serves exactly the packages of a package-lock.json, for tests that run
// `npm install` (sf plugins install) without leaving the machine. The metadata of each version is what the
// lockfile records of it (dependencies, peers, engines, os/cpu, bin); its tarball is the one `npm ci` left in
// npm's cache, found by the lockfile's integrity. `npm ci` does not cache the registry's full metadata, which
// resolving a range needs, so an offline npm on a fresh machine cannot install from the cache alone; this
// registry gives it that metadata for the versions the repository was tested with, and nothing else.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';

type LockEntry = {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  inBundle?: boolean;
  [field: string]: unknown;
};

/** What a version's manifest in the registry carries, of what the lockfile records. */
const MANIFEST_FIELDS = ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'engines', 'os', 'cpu', 'libc', 'bin', 'hasInstallScript', 'bundleDependencies', 'funding'];

export type LockfileRegistry = {
  url: string;
  /** Tarballs served (name@version): what the install used. */
  tarballs: Set<string>;
  close: () => Promise<void>;
};

/**
 * Serves the registry packages of `lockfile` (workspace links and packages bundled inside another are not
 * registry packages). `npmCache`: the cache `npm ci` filled (npm's default, ~/.npm, unless npm_config_cache).
 */
export async function startLockfileRegistry(lockfile: string, npmCache = process.env.npm_config_cache ?? join(homedir(), '.npm')): Promise<LockfileRegistry> {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockEntry> };
  const byName = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.includes('node_modules/') || entry.link || entry.inBundle || !entry.version || !entry.integrity) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    let versions = byName.get(name);
    if (!versions) byName.set(name, (versions = new Map()));
    versions.set(entry.version, entry);
  }
  const tarballs = new Set<string>();
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://registry').pathname).slice(1);
    const notFound = (why: string): void => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: why }));
    };
    const tarball = /^(.+)\/-\/(.+)\.tgz$/.exec(path);
    if (tarball) {
      const [, name, file] = tarball;
      const version = file.slice(name.split('/').pop()!.length + 1);
      const entry = byName.get(name)?.get(version);
      if (!entry) return notFound(`${name}@${version} is not in the lockfile`);
      const content = cachedContent(npmCache, entry.integrity!);
      if (!content) return notFound(`${name}@${version} is not in npm's cache (${npmCache}): run npm ci`);
      tarballs.add(`${name}@${version}`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length });
      return res.end(content);
    }
    const versions = byName.get(path);
    if (!versions) return notFound(`${path} is not in the lockfile`);
    const manifests: Record<string, unknown> = {};
    for (const [version, entry] of versions) {
      const manifest: Record<string, unknown> = { name: path, version };
      for (const field of MANIFEST_FIELDS) if (entry[field] !== undefined) manifest[field] = entry[field];
      manifest.dist = { tarball: `${base}/${path}/-/${path.split('/').pop()}-${version}.tgz`, integrity: entry.integrity };
      manifests[version] = manifest;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: path, 'dist-tags': { latest: semver.rsort([...versions.keys()])[0] }, versions: manifests }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    tarballs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tarball in npm's content-addressed cache (cacache: content-v2/<algorithm>/<hex digest split 2/2/rest>). */
function cachedContent(npmCache: string, integrity: string): Buffer | null {
  const [algorithm, digest] = integrity.split(' ')[0].split('-');
  const hex = Buffer.from(digest, 'base64').toString('hex');
  const file = join(npmCache, '_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  return existsSync(file) ? readFileSync(file) : null;
}

