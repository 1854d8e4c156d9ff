// The admin dashboard: a verdict first, then the sections of sections/index.js. Each section renders its own
// DOM and loads from the JSON API with the bearer token; chart.js (a classic script, global `Chart`) draws
// the charts. No framework and no inline script or style, so the page's CSP stays strict.
import { $, api, ApiError, el, session } from './lib.js';
import { sections } from './sections/index.js';

const main = $('main');
for (const section of sections) {
  const node = el('section', { id: section.id, className: `card ${section.wide ? 'wide' : ''}` });
  node.setAttribute('aria-labelledby', `${section.id}-title`);
  if (section.title) node.append(el('h2', { id: `${section.id}-title` }, section.title));
  section.render(node);
  main.append(node);
}

function showError(error) {
  if (error instanceof ApiError && error.status === 401) {
    $('#token-form').hidden = false;
    $('#error').textContent = session.token ? 'The token was rejected; enter the API token.' : 'Enter the API token to load the dashboard.';
  } else {
    $('#error').textContent = error.message;
  }
  $('#error').hidden = false;
}

/** One refresh: each section's requests go through a per-refresh memo, so sections sharing /overview fetch it once. */
let lastSignature = null;
async function refresh() {
  const memo = new Map();
  const runsNow = await api('/runs?limit=20');
  memo.set('/runs?limit=20', Promise.resolve(runsNow));
  // Results only change when a run finishes: heavy sections (the account map) redraw only then.
  const signature = JSON.stringify(runsNow.runs.map((r) => [r.id, r.status]));
  const changed = signature !== lastSignature;
  lastSignature = signature;
  const ctx = {
    changed,
    get: (path) => {
      if (!memo.has(path)) memo.set(path, api(path));
      return memo.get(path);
    },
    refresh: () => refresh(),
  };
  const overview = await ctx.get('/overview');
  updateHeader(overview, await ctx.get('/runs?limit=20'));
  const results = await Promise.allSettled(sections.map(async (section) => {
    await section.load(ctx, $(`#${section.id}`));
    $(`#${section.id}`).dataset.loaded = 'true';
  }));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return overview;
}

function updateHeader(overview, { active, runs }) {
  const badge = $('#active-run');
  badge.hidden = !active;
  if (active) {
    const current = active.stages.find((s) => s.status === 'running');
    badge.textContent = `${active.kind} sync running${current ? `: ${current.stage}` : ''}`;
  }
  // With nothing mirrored yet an incremental sync has nothing to be incremental to.
  const first = !runs.some((r) => r.status === 'Succeeded' || r.status === 'Partial');
  const button = $('#run-now');
  button.dataset.kind = first ? 'Full' : 'Incremental';
  button.textContent = first ? 'Run the first full sync' : 'Sync changes now';
  button.disabled = Boolean(active);
  document.body.dataset.verdict = overview.verdict;
}

let pollTimer;
async function loadAll() {
  $('#error').hidden = true;
  clearTimeout(pollTimer);
  try {
    await refresh();
    const { active } = await api('/runs?limit=1');
    pollTimer = setTimeout(loadAll, active ? 2000 : 15000);
  } catch (error) {
    showError(error);
  }
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  session.token = $('#token-input').value.trim();
  sessionStorage.setItem('recoToken', session.token);
  $('#token-form').hidden = true;
  loadAll();
});
$('#run-now').addEventListener('click', async () => {
  try {
    await api('/runs', { method: 'POST', body: JSON.stringify({ kind: $('#run-now').dataset.kind ?? 'Incremental' }) });
    await loadAll();
  } catch (error) {
    showError(error);
  }
});

if (session.token) loadAll();
else showError(new ApiError(401, null));
