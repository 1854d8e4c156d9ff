// Shared helpers for the dashboard's sections: the API client, DOM building and number formatting for people
// (thousands separators, money in the org's currency, no raw floats).
export const palette = ['#1f6fb4', '#e8833a', '#2e9e5b', '#c8423b', '#8a63c5', '#8c564b', '#d36fb5', '#7f7f7f', '#a9a832', '#1aa6b7'];

export const $ = (selector, root = document) => root.querySelector(selector);
export const el = (tag, props = {}, ...children) => {
  const { dataset, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(node.dataset, dataset);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};
// Colours go through the CSSOM: the page's CSP forbids inline style attributes.
export const swatch = (colour) => {
  const node = el('span', { className: 'swatch' });
  node.style.backgroundColor = colour;
  return node;
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
  }
}

export const session = { token: document.querySelector('meta[name="reco-token"]').content || sessionStorage.getItem('recoToken') || '' };

export async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${session.token}`, 'content-type': 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

const locale = undefined; // the admin's browser locale
export const fmtDate = (iso) => (iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '—');
export const fmtDay = (iso) => (iso ? new Date(iso).toLocaleDateString(locale, { dateStyle: 'medium' }) : '—');
export const fmtDuration = (ms) => (ms == null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : ms < 120000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60000).toFixed(1)} min`);
/** Whole numbers with separators; fractions with as few digits as still tell values apart (12.3, 4.56, 0.071). */
export const fmtNumber = (v) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v ?? '—');
  const abs = Math.abs(v);
  const digits = Number.isInteger(v) || abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString(locale, { maximumFractionDigits: digits });
};
export const fmtCount = (n, one, many = `${one}s`) => `${fmtNumber(n)} ${n === 1 ? one : many}`;
export const fmtPercent = (share) => `${Math.round(share * 100)}%`;
/** Money in the org's currency (an ISO code from the server); without one, a plain rounded number. */
export const fmtMoney = (v, currency) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (!currency) return v.toLocaleString(locale, { maximumFractionDigits: 0 });
  try {
    return v.toLocaleString(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
  } catch {
    return `${v.toLocaleString(locale, { maximumFractionDigits: 0 })} ${currency}`;
  }
};
/** "averageOrderValue" / "repeat-last" as "Average order value" / "Repeat last", for keys nobody named. */
export const humanize = (key) => String(key).replace(/__c$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]+/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase());

export function destroyChart(canvas) {
  globalThis.Chart?.getChart(canvas)?.destroy();
}
