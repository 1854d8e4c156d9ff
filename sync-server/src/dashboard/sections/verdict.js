// First thing on the page: is Reco working, is the data ready, and what to fix in the org (with record ids).
import { el, fmtCount, fmtDate, humanize } from '../lib.js';

const LABEL = { working: 'Working', attention: 'Needs attention', broken: 'Not working', 'not-started': 'Not synced yet' };

export default {
  id: 'verdict',
  title: null,
  wide: true,
  render(section) {
    section.append(
      el('div', { className: 'verdict-head' }, el('span', { className: 'verdict-badge' }), el('p', { className: 'headline' })),
      el('p', { className: 'meta' }),
      el('div', { className: 'fixes' }),
    );
  },
  async load(ctx, section) {
    const o = await ctx.get('/overview');
    section.dataset.verdict = o.verdict;
    section.querySelector('.verdict-badge').textContent = LABEL[o.verdict] ?? o.verdict;
    section.querySelector('.headline').textContent = o.headline;
    section.querySelector('.meta').textContent = o.lastRun
      ? `Last sync: ${o.lastRun.kind.toLowerCase()}, ${o.lastRun.status.toLowerCase()}, finished ${fmtDate(o.lastRun.finishedAt)}.${o.lastSuccessAt && o.lastRun.status !== 'Succeeded' ? ` Last good sync finished ${fmtDate(o.lastSuccessAt)}.` : ''}`
      : '';
    const fixes = section.querySelector('.fixes');
    if (!o.fixes.length) {
      fixes.replaceChildren();
      return;
    }
    fixes.replaceChildren(
      el('h2', {}, 'What to fix in Salesforce'),
      el('p', { className: 'hint' }, 'Reco left these records out of its models. Open them in Salesforce by Id; the next sync picks up the corrections.'),
      el('ul', { className: 'fix-list' }, o.fixes.map((f) => el('li', { className: 'fix' },
        el('strong', {}, f.problem),
        ` — ${fmtCount(f.count, `${humanize(f.object).toLowerCase()} record`)} ${f.action === 'flagged' ? 'flagged' : 'left out'}`,
        f.recordIds.length ? el('div', { className: 'ids' }, f.count > f.recordIds.length ? 'For example: ' : 'Records: ', f.recordIds.map((id) => el('code', { className: 'record-id' }, id))) : null,
      ))),
    );
  },
};
