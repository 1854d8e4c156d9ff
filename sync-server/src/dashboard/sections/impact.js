// "Did showing the lists change what customers bought?": shown lists against the holdout's shadow lists, the
// lift with its 95% interval, and per week how the two groups converted; beside it, "accepted → won" for the
// lists reps acted on (observational, so it is worded as such and kept out of the verdict).
import { destroyChart, el, fmtNumber, palette } from '../lib.js';

const pct = (v) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
const pts = (v) => (v == null ? '—' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pts`);

export default {
  id: 'impact',
  title: 'Impact: shown lists against the holdout',
  wide: true,
  render(section) {
    section.append(
      el('p', { className: 'replay' }),
      el('p', { className: 'verdict' }),
      el('table', {},
        el('thead', {}, el('tr', {}, ['Group', 'Accounts', 'Recommendations', 'Converted', 'Conversion rate', 'Won revenue / account'].map((h) => el('th', {}, h)))),
        el('tbody'),
      ),
      el('p', { className: 'lift' }),
      el('p', { className: 'accepted' }),
      el('div', { className: 'two-columns' },
        el('figure', {}, el('canvas', { id: 'impact-rates-chart', width: 560, height: 300, ariaLabel: 'Conversion rate of treated and holdout recommendations by week' })),
        el('figure', {}, el('canvas', { id: 'impact-lift-chart', width: 560, height: 300, ariaLabel: 'Lift of treated over holdout by week with its 95% interval' })),
      ),
      el('p', { className: 'hint why' }, 'A recommendation converts when its account gets a new line item for the product within the window. The holdout is a random, stable share of accounts whose lists no rep sees, so the difference between the groups is what showing the lists did. Replayed history (the demo) has no reps acting on the lists: both groups buy what the customers really bought, so a lift near 0 is the honest answer there.'),
      el('p', { className: 'hint methods' }),
    );
  },
  async load(ctx, section) {
    const { impact } = await ctx.get('/impact?by=week');
    const [rates, lift] = section.querySelectorAll('canvas');
    section.querySelector('.two-columns').hidden = !impact;
    if (!impact) {
      destroyChart(rates);
      destroyChart(lift);
      section.querySelector('.replay').textContent = '';
      section.querySelector('.verdict').textContent = 'This server does not measure impact.';
      section.querySelector('tbody').replaceChildren();
      section.querySelector('.lift').textContent = '';
      section.querySelector('.accepted').textContent = '';
      section.querySelector('.methods').textContent = '';
      return;
    }
    section.querySelector('.replay').textContent = impact.replay
      ? `Measured on a replayed quarter: the lists Reco would have made each week from ${impact.replay.from} to ${impact.replay.to} (${impact.replay.weeks} weekly model runs, each on the sales before its week), against the real sales that followed. No rep saw or acted on them, so a lift near 0 is the expected, honest result.`
      : '';
    section.querySelector('.verdict').textContent = impact.verdict.text;
    const row = (name, g) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, fmtNumber(g.accounts)), el('td', {}, fmtNumber(g.recommendations)),
      el('td', {}, fmtNumber(g.converted)), el('td', {}, pct(g.conversionRate)), el('td', {}, g.wonRevenuePerAccount == null ? '—' : g.wonRevenuePerAccount.toFixed(2)));
    section.querySelector('tbody').replaceChildren(row('Treated (shown)', impact.treated), row('Holdout (shadow)', impact.holdout));
    const ci = impact.lift.ci95;
    section.querySelector('.lift').textContent = `Conversion lift ${pts(impact.lift.conversion)}${ci ? ` (95% CI ${pts(ci[0])} to ${pts(ci[1])})` : ''} · window ${impact.windowDays} days`;
    const a = impact.acceptedWon;
    section.querySelector('.accepted').textContent = !a
      ? ''
      : a.accepted === 0
        ? 'Accepted → won: no rep has accepted a shown recommendation yet.'
        : `Accepted → won: ${fmtNumber(a.won)} of ${fmtNumber(a.accepted)} recommendations reps accepted were followed by a won sale within the window (${pct(a.wonRate)}), won revenue ${a.wonRevenue.toFixed(2)}; of all shown recommendations ${pct(a.treatedWonRate)} were won. ${a.note}`;
    section.querySelector('.methods').textContent = `Methods: ${impact.methods.conversion}. Revenue: ${impact.methods.wonRevenuePerAccount}.`;
    const labels = impact.periods.map((p) => p.period);
    destroyChart(rates);
    new Chart(rates, {
      type: 'line',
      data: { labels, datasets: [
        { label: 'Treated', data: impact.periods.map((p) => p.treated.conversionRate), borderColor: palette[0], backgroundColor: palette[0] },
        { label: 'Holdout', data: impact.periods.map((p) => p.holdout.conversionRate), borderColor: palette[1], backgroundColor: palette[1] },
      ] },
      options: { animation: false, scales: { x: { title: { display: true, text: 'Week the recommendation was first made' } }, y: { beginAtZero: true, title: { display: true, text: 'Conversion rate' } } } },
    });
    // The interval as a band: the upper bound fills down to the lower one.
    destroyChart(lift);
    new Chart(lift, {
      type: 'line',
      data: { labels, datasets: [
        { label: '95% upper', data: impact.periods.map((p) => p.lift.ci95?.[1] ?? null), borderColor: 'transparent', backgroundColor: 'rgba(44,160,44,0.2)', fill: '+1', pointRadius: 0 },
        { label: '95% lower', data: impact.periods.map((p) => p.lift.ci95?.[0] ?? null), borderColor: 'transparent', pointRadius: 0 },
        { label: 'Lift (treated − holdout)', data: impact.periods.map((p) => p.lift.conversion), borderColor: palette[2], backgroundColor: palette[2] },
      ] },
      options: { animation: false, scales: { y: { title: { display: true, text: 'Lift (rate difference)' } } } },
    });
  },
};
