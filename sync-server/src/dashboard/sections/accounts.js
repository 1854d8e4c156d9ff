// Look an account up the way an admin knows it, by name (an Id works too), and see everything Reco
// recommends for it, grouped by kind, with the reasons a rep would read.
import { api, el, fmtCount, fmtMoney, fmtPercent } from '../lib.js';

let currency = null;
let segmentNames = new Map();

export default {
  id: 'account',
  title: 'Look up an account',
  wide: true,
  render(section) {
    const form = el('form', { id: 'account-form', role: 'search' },
      el('label', { htmlFor: 'account-query' }, 'Account name or Id'),
      el('input', { id: 'account-query', name: 'q', required: true, minLength: 2, autocomplete: 'off', placeholder: 'e.g. the first letters of a customer\'s name' }),
      el('button', { type: 'submit' }, 'Search'));
    section.append(form, el('ul', { id: 'account-matches' }), el('div', { id: 'account-result' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      search(section, form.elements.q.value.trim());
    });
    document.addEventListener('reco:show-account', (event) => show(section, event.detail));
  },
  async load(ctx) {
    // Only what rendering a result needs; the search itself runs when the admin asks.
    const [o, { segments }] = await Promise.all([ctx.get('/overview'), ctx.get('/segments')]);
    currency = o.currency;
    segmentNames = new Map(segments.map((s) => [s.key, s.name]));
  },
};

async function search(section, text) {
  const list = section.querySelector('#account-matches');
  const out = section.querySelector('#account-result');
  out.replaceChildren();
  list.dataset.loaded = 'false';
  try {
    const { accounts } = await api(`/accounts?q=${encodeURIComponent(text)}&limit=10`);
    if (accounts.length === 1) {
      list.replaceChildren();
      await show(section, accounts[0].accountId, accounts[0].name);
    } else {
      list.replaceChildren(...(accounts.length
        ? accounts.map((a) => el('li', {}, el('button', { type: 'button', className: 'link', onclick: () => show(section, a.accountId, a.name) }, a.name),
          ' ', el('code', {}, a.accountId), a.hasRecommendations ? '' : el('span', { className: 'hint' }, ' (no recommendations)')))
        : [el('li', { className: 'hint' }, `No account name contains "${text}".`)]));
    }
  } catch (error) {
    list.replaceChildren(el('li', { className: 'error' }, error.message));
  }
  list.dataset.loaded = 'true';
}

async function show(section, id, knownName) {
  const out = section.querySelector('#account-result');
  out.dataset.loaded = 'false';
  out.replaceChildren(el('p', { className: 'hint' }, 'Loading…'));
  try {
    const [recs, insight, name] = await Promise.all([
      api(`/accounts/${encodeURIComponent(id)}/recommendations?limit=50`),
      api(`/accounts/${encodeURIComponent(id)}/insight`).catch((error) => (error.status === 404 ? null : Promise.reject(error))),
      knownName ?? api(`/accounts?q=${encodeURIComponent(id)}&limit=1`).then((r) => r.accounts[0]?.name ?? null),
    ]);
    const i = insight?.insight;
    const summary = i
      ? el('p', { className: 'insight' }, [
        `Segment ${segmentNames.get(i.segmentKey) ?? i.segmentKey ?? 'none'}`,
        i.lifecycleStage,
        i.recencyDays == null ? 'no orders yet' : `last order ${fmtCount(i.recencyDays, 'day')} ago`,
        fmtCount(i.frequency, 'order'),
        `${fmtMoney(i.monetary, currency)} spent`,
        i.churnRisk == null ? null : `churn risk ${fmtPercent(i.churnRisk)}`,
      ].filter(Boolean).join(' · '))
      : el('p', { className: 'hint' }, 'Reco has not scored this account (no orders, or no sync since it was created).');
    const byKind = new Map();
    for (const r of recs.recommendations) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r]);
    const groups = [...byKind].map(([kind, list]) => el('div', { className: 'kind-group', dataset: { kind } },
      el('h4', {}, `${kind} (${list.length})`),
      el('ol', {}, list.sort((a, b) => a.rank - b.rank).map((r) => el('li', { className: 'recommendation' },
        el('strong', {}, r.productName ?? r.productId),
        el('span', { className: 'hint' }, ` ${r.confidence.toLowerCase()} confidence${r.expectedRevenue ? `, about ${fmtMoney(r.expectedRevenue, currency)}` : ''}`),
        el('div', { className: 'reason' }, r.reason),
      )))));
    out.replaceChildren(
      el('h3', {}, name ?? recs.accountId, ' ', el('code', { className: 'account-id' }, recs.accountId)),
      summary,
      ...(groups.length ? groups : [el('p', {}, 'No recommendations for this account.')]),
    );
  } catch (error) {
    out.replaceChildren(el('p', { className: 'error' }, error.message));
  }
  out.dataset.loaded = 'true';
}
