#!/usr/bin/env node
// docs/benchmarks.md is the one place results are read; each area keeps its own section file beside it
// (docs/bench-*.md) so parallel work never edits the same file. This joins them in a fixed order.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const sections = ['bench-models.md', 'bench-models-speed.md', 'bench-sync.md', 'bench-serve.md', 'bench-seed.md'];
const head = `# Benchmarks

Benchmarks print figures; they are not tests. Every figure below comes with the command that produced it,
medians where runs repeat, and a baseline measured in the same run. Machines: 2 vCPU, 24 GiB, Node 24.21.
Many figures were taken while other jobs loaded the host (load averages up to 12-15 on 2 cores); each section
says so where it matters, and CPU time is quoted beside wall time where contention distorts the latter.

| command | section |
|---|---|
| \`npm run evaluate -- --csv ../shared/data/online-retail.csv.gz\` | recommendation quality against baselines (models) |
| \`npm run bench:models\` | model step time and memory at 10k / 100k / 1M accounts (models) |
| \`npm run bench:sync\` | API calls against the floor, full and incremental sync time, write-back calls (sync) |
| \`npm run bench:serve\` | recommendations endpoint latency and throughput at 1 / 50 / 200 connections (serve) |
| \`npx tsx local-org/src/seed/bench-seed.ts\` | seeding the full Online Retail file into local-org |
`;
const body = sections
  .filter((f) => existsSync(`docs/${f}`))
  .map((f) => readFileSync(`docs/${f}`, 'utf8').replace(/^# /, '## ').replace(/\n## /g, '\n### ').trim())
  .join('\n\n');
writeFileSync('docs/benchmarks.md', `${head}\n${body}\n`);
