#!/usr/bin/env node
// Packs the sf plugin into ONE installable tarball and prints its absolute path as the last line.
//
// The plugin runs Reco's engine (@reco/sync-server), a private workspace package that is not on any registry, so
// `sf plugins install` could not fetch it. The tarball therefore carries the engine's compiled package inside it
// (npm bundleDependencies), as tsc emitted it: same files, same relative layout, so the engine's worker threads
// (loaded by file URL beside their callers) and its dashboard files are where the code looks for them. Every
// other dependency is an ordinary public npm package that npm installs at install time; the engine's are
// declared on the plugin so they are installed beside it.
//
// The repository's packages export their TypeScript source (tests and scripts run through tsx); the packed
// copies export lib/*.js only, and the engine only its public entry. The plugin is assembled in dist/plugin-stage
// (inside the repository, so loading it to write the oclif manifest finds the public dependencies in the root
// node_modules, and the engine in the stage's own node_modules, compiled).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const stage = join(dist, 'plugin-stage');
const ENGINE = '@reco/sync-server';

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
  return r.stdout;
}
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
const publicDeps = (deps = {}) => Object.fromEntries(Object.entries(deps).filter(([name]) => !name.startsWith('@reco/')));

process.stderr.write('building every workspace (npm run build)\n');
run('npm', ['run', 'build', '--silent']);

rmSync(stage, { recursive: true, force: true });
const engineDir = join(stage, 'node_modules', ENGINE);
mkdirSync(engineDir, { recursive: true });

// The engine: compiled code, its public entry only, its public dependencies only.
const enginePkg = readJson(join(root, 'sync-server/package.json'));
const stray = Object.keys(enginePkg.dependencies ?? {}).filter((name) => name.startsWith('@reco/'));
if (stray.length > 0) throw new Error(`sync-server/package.json depends at run time on ${stray.join(', ')}, which the tarball does not carry`);
cpSync(join(root, 'sync-server/lib'), join(engineDir, 'lib'), { recursive: true });
writeJson(join(engineDir, 'package.json'), {
  name: enginePkg.name,
  version: enginePkg.version,
  description: enginePkg.description,
  license: enginePkg.license,
  type: 'module',
  engines: enginePkg.engines,
  exports: { '.': { types: './lib/index.d.ts', default: './lib/index.js' } },
  dependencies: enginePkg.dependencies ?? {},
});

// The plugin: its compiled commands and messages, with the engine bundled and the engine's dependencies declared.
const pluginPkg = readJson(join(root, 'plugin/package.json'));
for (const item of ['lib', 'messages', 'README.md']) cpSync(join(root, 'plugin', item), join(stage, item), { recursive: true });
const dependencies = { ...publicDeps(pluginPkg.dependencies) };
for (const [name, range] of Object.entries(publicDeps(enginePkg.dependencies))) {
  if (dependencies[name] && dependencies[name] !== range) throw new Error(`${name}: the plugin asks for ${dependencies[name]}, the engine for ${range}; align them`);
  dependencies[name] = range;
}
dependencies[ENGINE] = enginePkg.version;
const { private: _private, devDependencies: _dev, scripts: _scripts, ...published } = pluginPkg;
writeJson(join(stage, 'package.json'), { ...published, dependencies, bundleDependencies: [ENGINE] });

process.stderr.write(run(process.execPath, [join(root, 'scripts/oclif-manifest.mjs'), stage]));
const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dist], stage));
const tarball = join(dist, packed[0].filename);
const bundled = packed[0].bundled ?? [];
if (!bundled.includes(ENGINE)) throw new Error(`${tarball} does not bundle ${ENGINE} (bundled: ${bundled.join(', ') || 'nothing'})`);
process.stderr.write(`${packed[0].entryCount} files, ${(packed[0].size / 1e6).toFixed(1)} MB, bundles ${bundled.join(', ')}\n`);
console.log(tarball);
