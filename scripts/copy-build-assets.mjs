#!/usr/bin/env node
// tsc emits only JavaScript; the engine also reads files beside its modules at run time (the admin dashboard's
// page, script and style, found relative to http/routes/dashboard.js; the sentiment calibration's weights,
// read beside text/calibration.js), so the build copies them into lib/ at the same relative place they have in src/.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = [
  ['sync-server/src/dashboard', 'sync-server/lib/dashboard'],
  ['sync-server/src/text/sentiment-calibration.json', 'sync-server/lib/text/sentiment-calibration.json'],
];
for (const [from, to] of ASSETS) cpSync(root + from, root + to, { recursive: true });
