// "Does Reco beat the simplest thing that could work?": per list, Reco against the best simple baseline on
// the headline metric; every metric of every method is one click away.
import { destroyChart, el, fmtNumber, humanize, palette } from '../lib.js';

const BASELINES = {
  popularity: 'Best sellers', itemKnn: 'Bought together (item k-NN)', ownHistory: "The account's own past orders",
  ease: 'EASE', recoFirstStage: 'Reco without re-ranking', 'repeat-last': 'Repeat the last order',
};
export const baselineName = (key) => BASELINES[key] ?? humanize(key);
const LISTS = { crossSell: 'Cross-sell', buyAgain: 'Buy again' };

export default {
  id: 'evaluation',
  title: 'Are the recommendations better than a simple rule?',
  render(section) {
    section.append(
      el('p', { className: 'meta' }),
      el('ul', { className: 'comparisons' }),
      el('figure', {}, el('canvas', { id: 'evaluation-chart', width: 900, height: 220, ariaLabel: 'Reco against the best simple baseline, per list' })),
      el('details', { className: 'evaluation-detail' }, el('summary', {}, 'All metrics for every method'), el('div', { className: 'tables' })),
    );
  },
  async load(ctx, section) {
    const [o, { evaluation }] = await Promise.all([ctx.get('/overview'), ctx.get('/evaluation')]);
    const lists = o.evaluation?.lists ?? [];
    const figure = section.querySelector('figure');
    const canvas = section.querySelector('canvas');
    figure.hidden = !lists.length;
    section.querySelector('details').hidden = !evaluation;
    if (!lists.length) {
      destroyChart(canvas);
      section.querySelector('.meta').textContent = 'No evaluation yet. It measures, on the org\'s own history, how often Reco would have recommended what customers went on to buy (sf reco evaluate, or the demo runs it after the first sync).';
      section.querySelector('.comparisons').replaceChildren();
      return;
    }
    section.querySelector('.meta').textContent = `Recommendations made from the history before the test window, checked against what was bought in it (${o.evaluation.window ?? 'window not recorded'}). Score: NDCG@10, higher is better.`;
    section.querySelector('.comparisons').replaceChildren(...lists.map((l) => el('li', { className: l.reco > l.baseline ? 'better' : 'worse' },
      el('strong', {}, `${l.list}: `),
      l.liftPercent == null
        ? `Reco scores ${fmtNumber(l.reco)}; no simple rule scores anything.`
        : l.reco > l.baseline
          ? `Reco is ${fmtNumber(Math.abs(l.liftPercent))}% better than the best simple rule, "${baselineName(l.bestBaseline)}" (${fmtNumber(l.reco)} vs ${fmtNumber(l.baseline)}).`
          : `Reco does not beat "${baselineName(l.bestBaseline)}" (${fmtNumber(l.reco)} vs ${fmtNumber(l.baseline)}); check the data readiness above.`,
    )));
    destroyChart(canvas);
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: lists.map((l) => l.list),
        datasets: [
          { label: 'Reco', backgroundColor: palette[0], data: lists.map((l) => l.reco) },
          { label: 'Best simple rule', backgroundColor: '#b9c2cc', data: lists.map((l) => l.baseline), baselineNames: lists.map((l) => baselineName(l.bestBaseline)) },
        ],
      },
      options: {
        indexAxis: 'y', animation: false, maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, title: { display: true, text: 'NDCG@10 (higher is better)' } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.baselineNames ? c.dataset.baselineNames[c.dataIndex] : 'Reco'}: ${fmtNumber(c.raw)}` } } },
      },
    });
    section.querySelector('.tables').replaceChildren(...Object.entries(evaluation.tasks).map(([task, byModel]) => {
      const metrics = [...new Set(Object.values(byModel).flatMap((m) => Object.keys(m)))];
      return el('table', {},
        el('caption', {}, LISTS[task] ?? humanize(task)),
        el('thead', {}, el('tr', {}, el('th', {}, 'Method'), metrics.map((m) => el('th', {}, m)))),
        el('tbody', {}, Object.entries(byModel).map(([model, values]) => el('tr', {},
          el('th', { scope: 'row' }, model === 'reco' ? 'Reco' : baselineName(model)),
          metrics.map((m) => el('td', {}, fmtNumber(values[m]))),
        ))),
      );
    }));
  },
};
