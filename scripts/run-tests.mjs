#!/usr/bin/env node
// Runs every suite (lint, type check, mocha, LWC jest) and ends with one plain "N passed, N failed" line,
// because CI reads neither mocha's nor jest's closing lines. Each suite still prints its own report. Lint
// goes first: it is the quickest to fail, and it is what keeps the folders layered and free of cycles.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startThrowawayPostgres } from './throwaway-postgres.mjs';

// The tools' own entry points, not npx: npx re-reads npm's config and warns about every key it does not know
// (a machine-wide `nodedir` for node-gyp, say), which reads like an error in a green run.
const bin = (name) => path.resolve(import.meta.dirname, '..', 'node_modules', '.bin', name);

const only = process.argv.slice(2);
const suites = [
  { name: 'lint', cmd: 'npm', args: ['run', 'lint', '--silent'], parse: parseEslint },
  { name: 'typecheck', cmd: bin('tsc'), args: ['-p', 'tsconfig.json'], parse: (_out, code) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }) },
  { name: 'mocha', cmd: bin('mocha'), args: ['test/**/*.test.ts'], parse: parseMocha },
  { name: 'lwc', cmd: 'npm', args: ['test', '-w', 'lwc', '--silent'], parse: parseJest },
].filter((s) => only.length === 0 || only.includes(s.name));

/** One check, failed on any error or warning (the lint script allows none); the counts are ESLint's. */
function parseEslint(out, code) {
  let errors = 0, warnings = 0;
  for (const m of out.matchAll(/(\d+) problems? \((\d+) errors?, (\d+) warnings?\)/g)) {
    errors += Number(m[2]);
    warnings += Number(m[3]);
  }
  return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, detail: `${errors} errors, ${warnings} warnings` };
}

function parseMocha(out, code) {
  const passed = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
  const failed = Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
  const pending = Number(/(\d+) pending/.exec(out)?.[1] ?? 0);
  // A crash before mocha reports anything is a failure, not an empty success.
  return { passed, failed: failed || (code !== 0 && passed === 0 ? 1 : 0), skipped: pending };
}

function parseJest(out, code) {
  const line = /Tests:\s+([^\n]*)/.exec(out)?.[1] ?? '';
  const passed = Number(/(\d+) passed/.exec(line)?.[1] ?? 0);
  const failed = Number(/(\d+) failed/.exec(line)?.[1] ?? 0);
  const skipped = Number(/(\d+) skipped/.exec(line)?.[1] ?? 0);
  return { passed, failed: failed || (code !== 0 && failed === 0 ? 1 : 0), skipped };
}

function run(suite) {
  return new Promise((resolve) => {
    const child = spawn(suite.cmd, suite.args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve(suite.parse(out.replace(/\x1b\[[0-9;]*m/g, ''), code ?? 1)));
  });
}

// The PostgreSQL store's suites need a server: one throwaway cluster on loopback for the whole run (each suite
// makes its own database in it), removed at the end. RECO_TEST_PG_URL, when set, points at one already running.
let postgres = null;
if (!process.env.RECO_TEST_PG_URL && suites.some((s) => s.name === 'mocha')) {
  try {
    postgres = await startThrowawayPostgres();
    process.env.RECO_TEST_PG_URL = postgres.url;
    console.log(`throwaway ${postgres.version} on 127.0.0.1:${postgres.port}`);
  } catch (error) {
    console.error(`cannot start the tests' PostgreSQL: ${error.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const stopPostgres = () => postgres?.stop();
process.on('exit', stopPostgres);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopPostgres(); process.exit(130); });

let passed = 0, failed = 0, skipped = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  const r = await run(suite);
  console.log(`=== ${suite.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}${r.detail ? ` (${r.detail})` : ''} ===`);
  passed += r.passed; failed += r.failed; skipped += r.skipped ?? 0;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
