// Segments as cards: name, size, and the typical (median) account in plain words and the org's currency.
// Beside them, a map of the accounts (two principal components), drawn only when there is something to map.
import { $, destroyChart, el, fmtCount, fmtMoney, fmtNumber, fmtPercent, humanize, palette, swatch } from '../lib.js';

const days = (d) => (d < 60 ? fmtCount(Math.round(d), 'day') : d < 730 ? fmtCount(Math.round(d / 30.4), 'month') : `${fmtNumber(Math.round(d / 36.5) / 10)} years`);
/** What each profile figure means to an admin; a figure added later still shows, with its key in words. */
const FIGURES = [
  ['recencyDays', (v) => `last ordered ${days(v)} ago`],
  ['frequency', (v) => fmtCount(Math.round(v), 'order')],
  ['orders365', (v) => `${fmtCount(Math.round(v), 'order')} in the last year`],
  ['monetary', (v, cur) => `${fmtMoney(v, cur)} spent in all`],
  ['averageOrderValue', (v, cur) => `${fmtMoney(v, cur)} per order`],
  ['tenureDays', (v) => `customer for ${days(v)}`],
];
const MONEY = /monetary|value|revenue|amount|spend/i;

export function describeProfile(profile, currency) {
  const known = new Map(FIGURES);
  const lines = FIGURES.filter(([key]) => typeof profile[key] === 'number').map(([key, say]) => say(profile[key], currency));
  for (const [key, value] of Object.entries(profile)) {
    if (!known.has(key) && typeof value === 'number') lines.push(`${humanize(key)}: ${MONEY.test(key) ? fmtMoney(value, currency) : fmtNumber(value)}`);
  }
  return lines;
}

export default {
  id: 'segments',
  title: 'Customer segments',
  wide: true,
  render(section) {
    section.append(
      el('p', { className: 'meta' }),
      el('div', { className: 'segment-layout' },
        el('div', { className: 'segment-cards' }),
        el('figure', { className: 'segment-map' },
          el('canvas', { id: 'segment-chart', width: 520, height: 360, ariaLabel: 'Accounts placed by buying behaviour, coloured by segment' }),
          el('figcaption', {}))),
    );
  },
  async load(ctx, section) {
    if (!ctx.changed && section.dataset.loaded) return;
    const [o, { segments }] = await Promise.all([ctx.get('/overview'), ctx.get('/segments')]);
    const total = segments.reduce((n, s) => n + s.accountCount, 0);
    const colour = new Map(segments.map((s, i) => [s.key, palette[i % palette.length]]));
    section.querySelector('.meta').textContent = segments.length
      ? `${fmtCount(total, 'account')} with orders, grouped by how recently, how often and how much they buy. Figures are the typical (median) account of each segment.`
      : 'Segments appear after the first successful sync.';
    section.querySelector('.segment-cards').replaceChildren(...segments.map((s) => el('article', { className: 'segment-card', dataset: { segment: s.key } },
      el('h3', {}, swatch(colour.get(s.key)), s.name),
      el('p', { className: 'size' }, `${fmtCount(s.accountCount, 'account')} · ${total ? fmtPercent(s.accountCount / total) : '—'}`),
      el('ul', {}, describeProfile(s.profile ?? {}, o.currency).map((line) => el('li', {}, line))),
    )));
    await drawMap(ctx, section, segments, colour);
  },
};

async function drawMap(ctx, section, segments, colour) {
  const figure = section.querySelector('.segment-map');
  const canvas = $('#segment-chart', section);
  const projection = segments.length ? await ctx.get('/segments/projection') : null;
  const [v1, v2] = projection?.explainedVariance ?? [0, 0];
  // Fewer than two accounts, or no spread at all, makes an empty picture: say nothing rather than "0% of variance".
  const drawable = projection && projection.points.length >= 2 && v1 + v2 > 0;
  figure.hidden = !drawable;
  destroyChart(canvas);
  if (!drawable) return;
  const datasets = segments.map((s) => ({ label: s.name, data: projection.points.filter((p) => p.segmentKey === s.key), backgroundColor: colour.get(s.key), pointRadius: 2.5 }));
  const unsegmented = projection.points.filter((p) => !colour.has(p.segmentKey));
  if (unsegmented.length) datasets.push({ label: 'No segment', data: unsegmented, backgroundColor: '#bbb', pointRadius: 2 });
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      parsing: { xAxisKey: 'x', yAxisKey: 'y' },
      scales: { x: { ticks: { display: false }, title: { display: true, text: 'buying behaviour, first direction' } }, y: { ticks: { display: false }, title: { display: true, text: 'second direction' } } },
      plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.raw.accountId}` } } },
      onClick: (_event, elements) => {
        const hit = elements[0];
        if (hit) document.dispatchEvent(new CustomEvent('reco:show-account', { detail: chart.data.datasets[hit.datasetIndex].data[hit.index].accountId }));
      },
    },
  });
  figure.querySelector('figcaption').textContent = `${fmtCount(projection.points.length, 'account')}: each dot is one, placed by recency, frequency, spend, engagement and churn risk; accounts close together buy alike. Click a dot to see its recommendations.`;
}
