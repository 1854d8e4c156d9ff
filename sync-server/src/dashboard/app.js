// The admin dashboard: reads the JSON API with the bearer token and renders each section. No framework;
// chart.js (loaded as a classic script, global `Chart`) draws the two charts.
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const state = { token: document.querySelector('meta[name="reco-token"]').content || sessionStorage.getItem('recoToken') || '', charts: {} };

const $ = (selector) => document.querySelector(selector);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
};
// Colours go through the CSSOM: the page's CSP forbids inline style attributes.
const swatch = (colour) => {
  const node = el('span', { className: 'swatch' });
  node.style.backgroundColor = colour;
  return node;
};
const fmtDate = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const fmtDuration = (ms) => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : ms < 120000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60000).toFixed(1)} min`);
const fmtNumber = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString() : v.toFixed(3)) : String(v));

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${state.token}`, 'content-type': 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function showError(error) {
  if (error instanceof ApiError && error.status === 401) {
    $('#token-form').hidden = false;
    $('#error').textContent = state.token ? 'The token was rejected; enter the API token.' : 'Enter the API token to load the dashboard.';
  } else {
    $('#error').textContent = error.message;
  }
  $('#error').hidden = false;
}

function markLoaded(section) {
  $(section).dataset.loaded = 'true';
}

async function loadRuns() {
  const { active, runs } = await api('/runs?limit=20');
  const badge = $('#active-run');
  badge.hidden = !active;
  if (active) {
    const current = active.stages.find((s) => s.status === 'running');
    badge.textContent = `${active.kind} run in progress${current ? `: ${current.stage}` : ''}`;
  }
  const tbody = $('#runs tbody');
  tbody.replaceChildren(...runs.map((run) => el('tr', {},
    el('td', {}, el('code', {}, run.id)),
    el('td', {}, run.kind),
    el('td', { className: `status-${run.status}` }, run.status),
    el('td', {}, fmtDate(run.startedAt)),
    el('td', {}, fmtDuration(run.durationMs)),
    el('td', {}, run.stages.map((s) => `${s.stage} ${s.status}${s.records != null ? ` (${fmtNumber(s.records)})` : ''}`).join(' · ')),
  )));
  if (!runs.length) tbody.append(el('tr', {}, el('td', { colSpan: 6 }, 'No runs yet.')));
  renderQuality(runs.find((r) => r.dataQuality != null));
  markLoaded('#runs');
  return active;
}

/** The report's shape belongs to the cleaning stage; show it as flattened rows so any field appears. */
function renderQuality(run) {
  const tbody = $('#quality tbody');
  if (!run) {
    $('#quality .meta').textContent = 'No data-quality report yet.';
    tbody.replaceChildren();
    markLoaded('#quality');
    return;
  }
  $('#quality .meta').textContent = `From run ${run.id} (${run.kind}, ${fmtDate(run.startedAt)}).`;
  const rows = [];
  const walk = (value, path) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path} › ${key}` : key);
    } else if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      // A list of findings (e.g. cleaning rules): one row each, scalar fields only (examples are ids).
      value.forEach((item, i) => {
        const scalars = Object.entries(item).filter(([, v]) => v === null || typeof v !== 'object');
        const [first, ...others] = scalars;
        rows.push([`${path} › ${first ? first[1] : i + 1}`, others.map(([k, v]) => `${k} ${fmtNumber(v)}`).join(' · ')]);
      });
    } else if (Array.isArray(value)) {
      rows.push([path, value.length > 5 ? `${value.length} items` : value.join(', ')]);
    } else {
      rows.push([path, value]);
    }
  };
  walk(run.dataQuality, '');
  tbody.replaceChildren(...rows.slice(0, 60).map(([key, value]) => el('tr', {}, el('th', { scope: 'row' }, key), el('td', {}, fmtNumber(value)))));
  markLoaded('#quality');
}

async function loadSegments() {
  const [{ segments }, projection] = await Promise.all([api('/segments'), api('/segments/projection')]);
  const colour = new Map(segments.map((s, i) => [s.key, palette[i % palette.length]]));
  $('#segments tbody').replaceChildren(...segments.map((s) => el('tr', {},
    el('td', {}, swatch(colour.get(s.key)), el('strong', {}, s.name), el('div', { className: 'hint' }, s.description)),
    el('td', {}, fmtNumber(s.accountCount)),
    el('td', {}, Object.entries(s.profile ?? {}).slice(0, 6).map(([k, v]) => `${k} ${fmtNumber(v)}`).join(' · ')),
  )));
  const datasets = segments.map((s) => ({
    label: s.name,
    data: projection.points.filter((p) => p.segmentKey === s.key),
    backgroundColor: colour.get(s.key),
    pointRadius: 2.5,
  }));
  const unsegmented = projection.points.filter((p) => !colour.has(p.segmentKey));
  if (unsegmented.length) datasets.push({ label: 'No segment', data: unsegmented, backgroundColor: '#bbb', pointRadius: 2 });
  state.charts.segments?.destroy();
  state.charts.segments = new Chart($('#segment-chart'), {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      parsing: { xAxisKey: 'x', yAxisKey: 'y' },
      scales: { x: { title: { display: true, text: 'PC 1' } }, y: { title: { display: true, text: 'PC 2' } } },
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.raw.accountId}` } } },
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (!hit) return;
        const point = state.charts.segments.data.datasets[hit.datasetIndex].data[hit.index];
        $('#account-id').value = point.accountId;
        showAccount(point.accountId);
      },
    },
  });
  const [v1, v2] = projection.explainedVariance;
  $('#segments figcaption').textContent = `${projection.points.length.toLocaleString()} accounts on the first two principal components of ${projection.features.join(', ')} (${Math.round((v1 + v2) * 100)}% of variance).`;
  if (!$('#account-id').value && projection.points.length) $('#account-id').placeholder = projection.points[0].accountId;
  markLoaded('#segments');
}

async function loadEvaluation() {
  const { evaluation } = await api('/evaluation');
  $('#evaluation figure').hidden = !evaluation;
  if (!evaluation) {
    $('#evaluation .meta').textContent = 'No evaluation yet (npm run evaluate).';
    markLoaded('#evaluation');
    return;
  }
  const labels = [];
  const models = new Set();
  for (const [task, byModel] of Object.entries(evaluation.tasks)) {
    for (const [model, metrics] of Object.entries(byModel)) {
      models.add(model);
      for (const metric of Object.keys(metrics)) if (!labels.includes(`${task} ${metric}`)) labels.push(`${task} ${metric}`);
    }
  }
  const datasets = [...models].map((model, i) => ({
    label: model,
    backgroundColor: palette[i % palette.length],
    data: labels.map((label) => {
      const [task, ...rest] = label.split(' ');
      return evaluation.tasks[task]?.[model]?.[rest.join(' ')] ?? null;
    }),
  }));
  state.charts.evaluation?.destroy();
  state.charts.evaluation = new Chart($('#evaluation-chart'), {
    type: 'bar',
    data: { labels, datasets },
    options: { animation: false, scales: { y: { beginAtZero: true } } },
  });
  $('#evaluation .meta').textContent = [evaluation.source, evaluation.generatedAt && `evaluated ${fmtDate(evaluation.generatedAt)}`].filter(Boolean).join(' · ');
  markLoaded('#evaluation');
}

const pct = (v) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
const pts = (v) => (v == null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);

async function loadImpact() {
  const { impact } = await api('/impact?by=week');
  $('#impact .two-columns').hidden = !impact;
  if (!impact) {
    $('#impact .verdict').textContent = 'This server does not measure impact.';
    markLoaded('#impact');
    return;
  }
  $('#impact .verdict').textContent = impact.verdict.text;
  const row = (name, g) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, fmtNumber(g.accounts)), el('td', {}, fmtNumber(g.recommendations)),
    el('td', {}, fmtNumber(g.converted)), el('td', {}, pct(g.conversionRate)), el('td', {}, g.wonRevenuePerAccount == null ? '—' : g.wonRevenuePerAccount.toFixed(2)));
  $('#impact tbody').replaceChildren(row('Treated (shown)', impact.treated), row('Holdout (shadow)', impact.holdout));
  const ci = impact.lift.ci95;
  $('#impact .lift').textContent = `Conversion lift ${pts(impact.lift.conversion)}${ci ? ` (95% CI ${pts(ci[0])} to ${pts(ci[1])})` : ''} · window ${impact.windowDays} days`;
  $('#impact .methods').textContent = `Methods: ${impact.methods.conversion}. Revenue: ${impact.methods.wonRevenuePerAccount}.`;
  const labels = impact.periods.map((p) => p.period);
  state.charts.impactRates?.destroy();
  state.charts.impactRates = new Chart($('#impact-rates-chart'), {
    type: 'line',
    data: { labels, datasets: [
      { label: 'Treated', data: impact.periods.map((p) => p.treated.conversionRate), borderColor: palette[0], backgroundColor: palette[0] },
      { label: 'Holdout', data: impact.periods.map((p) => p.holdout.conversionRate), borderColor: palette[1], backgroundColor: palette[1] },
    ] },
    options: { animation: false, scales: { x: { title: { display: true, text: 'Week the recommendation was first made' } }, y: { beginAtZero: true, title: { display: true, text: 'Conversion rate' } } } },
  });
  // The interval as a band: the upper bound fills down to the lower one.
  state.charts.impactLift?.destroy();
  state.charts.impactLift = new Chart($('#impact-lift-chart'), {
    type: 'line',
    data: { labels, datasets: [
      { label: '95% upper', data: impact.periods.map((p) => p.lift.ci95?.[1] ?? null), borderColor: 'transparent', backgroundColor: 'rgba(44,160,44,0.2)', fill: '+1', pointRadius: 0 },
      { label: '95% lower', data: impact.periods.map((p) => p.lift.ci95?.[0] ?? null), borderColor: 'transparent', pointRadius: 0 },
      { label: 'Lift (treated − holdout)', data: impact.periods.map((p) => p.lift.conversion), borderColor: palette[2], backgroundColor: palette[2] },
    ] },
    options: { animation: false, scales: { y: { title: { display: true, text: 'Lift (rate difference)' } } } },
  });
  markLoaded('#impact');
}

async function showAccount(id) {
  const out = $('#account-result');
  out.replaceChildren(el('p', { className: 'hint' }, 'Loading…'));
  try {
    const [recs, insight] = await Promise.all([
      api(`/accounts/${encodeURIComponent(id)}/recommendations?limit=10`),
      api(`/accounts/${encodeURIComponent(id)}/insight`).catch((error) => (error.status === 404 ? null : Promise.reject(error))),
    ]);
    const summary = insight
      ? el('p', { className: 'insight' }, `Segment ${insight.insight.segmentKey ?? '—'} · ${insight.insight.lifecycleStage} · last order ${insight.insight.recencyDays ?? '—'} days ago · ${insight.insight.frequency} orders · churn risk ${insight.insight.churnRisk == null ? '—' : Math.round(insight.insight.churnRisk * 100) + '%'}`)
      : el('p', { className: 'hint' }, 'No insight for this account.');
    const list = recs.recommendations.map((r) => el('div', { className: 'recommendation' },
      el('strong', {}, `${r.rank}. ${r.productName ?? r.productId}`), ` — ${r.kind}, ${r.confidence} confidence, score ${r.score.toFixed(2)}`,
      el('div', { className: 'reason' }, r.reason),
    ));
    out.replaceChildren(el('h3', {}, recs.accountId), summary, ...(list.length ? list : [el('p', {}, 'No recommendations for this account.')]));
  } catch (error) {
    out.replaceChildren(el('p', { className: 'error' }, error.message));
  }
  out.dataset.loaded = 'true';
}

async function loadAll() {
  $('#error').hidden = true;
  try {
    const active = await loadRuns();
    await Promise.all([loadSegments(), loadEvaluation(), loadImpact()]);
    schedulePoll(active ? 2000 : 15000);
  } catch (error) {
    showError(error);
  }
}

let pollTimer;
function schedulePoll(ms) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    try {
      const wasActive = !$('#active-run').hidden;
      const active = await loadRuns();
      if (wasActive && !active) await Promise.all([loadSegments(), loadEvaluation(), loadImpact()]); // a run just finished
      schedulePoll(active ? 2000 : 15000);
    } catch (error) {
      showError(error);
    }
  }, ms);
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  state.token = $('#token-input').value.trim();
  sessionStorage.setItem('recoToken', state.token);
  $('#token-form').hidden = true;
  loadAll();
});
$('#account-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showAccount($('#account-id').value.trim());
});
$('#run-now').addEventListener('click', async () => {
  try {
    await api('/runs', { method: 'POST', body: JSON.stringify({ kind: 'Incremental' }) });
    await loadRuns();
    schedulePoll(2000);
  } catch (error) {
    showError(error);
  }
});

if (state.token) loadAll();
else showError(new ApiError(401, null));
