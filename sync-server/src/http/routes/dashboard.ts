// The admin dashboard: static files from src/dashboard plus chart.js from node_modules. The page calls the
// JSON API with a bearer token; for the demo the server can write the token into the page, but only for
// clients on loopback.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { isLoopback } from '../loopback.js';
import { allowCaching } from '../request-guard.js';

const dashboardDir = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const chartJs = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const escapeAttribute = (value: string): string => value.replace(/[&"<>']/g, (c) => `&#${c.charCodeAt(0)};`);

export function dashboardRouter(options: { token: string; injectToken: boolean }): Router {
  const router = Router();
  const page = readFileSync(path.join(dashboardDir, 'index.html'), 'utf8');
  const withToken = page.replace('<meta name="reco-token" content="">', `<meta name="reco-token" content="${escapeAttribute(options.token)}">`);
  router.get('/', (_req, res) => { res.redirect(302, '/dashboard/'); });
  router.get(['/dashboard/', '/dashboard/index.html'], (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    // frame-ancestors: no other page may frame the dashboard and click its buttons for the admin.
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.type('html').send(options.injectToken && isLoopback(req.socket.remoteAddress) ? withToken : page);
  });
  router.get('/dashboard/vendor/chart.umd.js', (_req, res) => {
    allowCaching(res);
    res.sendFile(chartJs);
  });
  router.use('/dashboard', express.static(dashboardDir, { index: false, fallthrough: true, setHeaders: allowCaching }));
  // Browsers ask for it on every page; a 401 from the token wall only fills the console with errors.
  router.get('/favicon.ico', (_req, res) => { res.status(204).end(); });
  return router;
}
