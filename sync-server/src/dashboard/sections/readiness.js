// Readiness as a checklist: each thing Reco needs from the org, met or not, with the numbers behind it.
import { el, fmtCount, humanize } from '../lib.js';

export default {
  id: 'readiness',
  title: 'Is the data ready?',
  render(section) {
    section.append(el('ul', { className: 'checklist' }), el('details', { className: 'repaired', hidden: true }, el('summary', {}, 'Fixed automatically'), el('ul', {})));
  },
  async load(ctx, section) {
    const o = await ctx.get('/overview');
    section.querySelector('.checklist').replaceChildren(...o.checks.map((c) => el('li', { className: c.ok ? 'ok' : 'not-ok' },
      el('span', { className: 'mark', ariaLabel: c.ok ? 'met' : 'not met' }, c.ok ? '✓' : '✗'),
      el('span', { className: 'label' }, c.label),
      el('span', { className: 'detail' }, c.detail),
    )));
    const repaired = section.querySelector('.repaired');
    repaired.hidden = !o.repaired.length;
    repaired.querySelector('ul').replaceChildren(...o.repaired.map((r) => el('li', {}, `${r.problem}: ${fmtCount(r.count, `${humanize(r.object)} record`)}`)));
  },
};
