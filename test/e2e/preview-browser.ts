// What the browser tests of the LWC preview share: the preview bundle (built when missing or older than its
// sources) and a headless Chromium with a throw-away profile.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Connection } from 'jsforce';
import { BUILD_COMMAND, createPreviewRouter, DEFAULT_DIST_DIR } from '@reco/sync-server/http/preview/router.js';

export const CHROMIUM = '/usr/bin/chromium';
const LWC_DIR = path.resolve(import.meta.dirname, '../../lwc');

/** True when dist/main.js is missing or older than any component or preview source. */
function bundleIsStale(): boolean {
  const bundle = path.join(DEFAULT_DIST_DIR, 'main.js');
  if (!fs.existsSync(bundle)) return true;
  const builtAt = fs.statSync(bundle).mtimeMs;
  const sources = [path.resolve(LWC_DIR, '../force-app/main/default/lwc'), path.join(LWC_DIR, 'preview/src')];
  return sources.some((dir) =>
    fs.readdirSync(dir, { recursive: true, withFileTypes: true }).some(
      (entry) => entry.isFile() && !entry.parentPath.includes('__tests__') && fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs > builtAt,
    ),
  ) || fs.statSync(path.join(LWC_DIR, 'preview/rollup.config.mjs')).mtimeMs > builtAt;
}

/** Builds the preview bundle when needed: ~20-60 s (it is git-ignored, so a fresh checkout builds it here). */
export function ensurePreviewBundle(): void {
  if (!bundleIsStale()) return;
  const build = spawnSync('npm', ['run', 'build:preview'], { cwd: LWC_DIR, encoding: 'utf8', timeout: 330_000 });
  expect(build.status, `${BUILD_COMMAND} failed:\n${build.stdout}\n${build.stderr}`).to.equal(0);
}

export type PreviewBrowser = { context: BrowserContext; page: Page; pageErrors: string[]; close(): Promise<void> };

/** Headless Chromium on a fresh profile; uncaught page errors are collected for the test to assert on. */
export async function openPreviewBrowser(): Promise<PreviewBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'reco-preview-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context, page, pageErrors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type PreviewServer = { base: string; close(): Promise<void> };

/** The record-page preview on loopback over the given org connection; `base` ends in /preview. */
export async function servePreview(connection: () => Promise<Connection>): Promise<PreviewServer> {
  const app = express();
  app.use('/preview', createPreviewRouter({ connection }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/preview`,
    close: () => new Promise((resolve) => { server.close(() => resolve()); }),
  };
}
