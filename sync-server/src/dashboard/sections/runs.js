// The history of syncs as a chart (how long each took, coloured by outcome) with the table one click away.
import { destroyChart, el, fmtDate, fmtDay, fmtDuration, fmtNumber } from '../lib.js';

const STATUS_COLOUR = { Succeeded: '#2e9e5b', Partial: '#e8a33a', Failed: '#c8423b', Aborted: '#8a8f96', Running: '#1f6fb4' };

export default {
  id: 'runs',
  title: 'Sync history',
  wide: true,
  render(section) {
    section.append(
      el('p', { className: 'meta' }),
      el('figure', {}, el('canvas', { id: 'runs-chart', width: 900, height: 200, ariaLabel: 'Duration of each sync, coloured by outcome' })),
      el('details', {}, el('summary', {}, 'Every sync, stage by stage'), el('table', {},
        el('thead', {}, el('tr', {}, ['Sync', 'Kind', 'Outcome', 'Started', 'Took', 'Stages'].map((h) => el('th', {}, h)))),
        el('tbody', {}))),
    );
  },
  async load(ctx, section) {
    const { runs } = await ctx.get('/runs?limit=20');
    const figure = section.querySelector('figure');
    const canvas = section.querySelector('canvas');
    figure.hidden = runs.length === 0;
    section.querySelector('.meta').textContent = runs.length
      ? `The last ${runs.length === 1 ? 'sync' : `${runs.length} syncs`}, oldest first. Full syncs read every record; incremental ones only what changed since.`
      : 'No sync has run yet.';
    section.querySelector('tbody').replaceChildren(...runs.map((run) => el('tr', {},
      el('td', {}, el('code', {}, run.id)),
      el('td', {}, run.kind),
      el('td', { className: `status-${run.status}` }, run.status),
      el('td', {}, fmtDate(run.startedAt)),
      el('td', {}, fmtDuration(run.durationMs)),
      el('td', {}, run.stages.map((s) => `${s.stage} ${s.status}${s.records != null ? ` (${fmtNumber(s.records)})` : ''}`).join(' · ')),
    )));
    destroyChart(canvas);
    if (!runs.length) return;
    const ordered = [...runs].reverse();
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: ordered.map((r) => `${fmtDay(r.startedAt)} ${r.kind === 'Full' ? '(full)' : ''}`.trim()),
        datasets: [{
          label: 'Duration (seconds)',
          data: ordered.map((r) => (r.durationMs == null ? 0 : Math.round(r.durationMs / 100) / 10)),
          backgroundColor: ordered.map((r) => STATUS_COLOUR[r.status] ?? '#888'),
          outcomes: ordered.map((r) => `${r.kind} sync ${r.status.toLowerCase()}${r.error ? `: ${r.error}` : ''}`),
        }],
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: 'seconds' } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (c) => `${c.dataset.outcomes[c.dataIndex]}, ${fmtDuration(ordered[c.dataIndex].durationMs)}` } },
        },
      },
    });
  },
};
