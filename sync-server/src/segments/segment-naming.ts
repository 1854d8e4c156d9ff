// Names segments with the RFM vocabulary admins know, from each cluster's profile relative to the others:
// every name has a prototype (recency, frequency, monetary, newness scores in 0..1) and clusters take the
// closest free name, best matches first, so names are unique.

export type Profile = { recencyDays: number; frequency: number; monetary: number; tenureDays: number; orders365: number; averageOrderValue: number };

const PROTOTYPES: { name: string; r: number; f: number; m: number; n: number }[] = [
  { name: 'Champions', r: 1, f: 1, m: 1, n: 0.3 },
  { name: 'Loyal', r: 0.7, f: 0.8, m: 0.6, n: 0.2 },
  { name: 'Big spenders', r: 0.5, f: 0.4, m: 1, n: 0.3 },
  { name: 'New', r: 1, f: 0, m: 0.2, n: 1 },
  { name: 'Promising', r: 0.8, f: 0.3, m: 0.4, n: 0.7 },
  { name: 'Need attention', r: 0.5, f: 0.5, m: 0.5, n: 0.5 },
  { name: 'At risk', r: 0.2, f: 0.7, m: 0.6, n: 0 },
  { name: 'Hibernating', r: 0.1, f: 0.2, m: 0.2, n: 0.3 },
  { name: 'Lost', r: 0, f: 0, m: 0, n: 0.5 },
];

function ranks(values: number[]): number[] {
  if (values.length < 2) return values.map(() => 0.5);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  order.forEach(([, i], r) => (out[i] = r / (values.length - 1)));
  return out;
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function nameSegments(profiles: Profile[]): string[] {
  const r = ranks(profiles.map((p) => -p.recencyDays));
  const f = ranks(profiles.map((p) => p.frequency));
  const m = ranks(profiles.map((p) => p.monetary));
  const n = ranks(profiles.map((p) => -p.tenureDays));
  const pairs: { c: number; name: string; d: number }[] = [];
  profiles.forEach((_, c) => {
    for (const p of PROTOTYPES) {
      pairs.push({ c, name: p.name, d: (r[c] - p.r) ** 2 + (f[c] - p.f) ** 2 + (m[c] - p.m) ** 2 + (n[c] - p.n) ** 2 });
    }
  });
  pairs.sort((a, b) => a.d - b.d || a.c - b.c);
  const names = new Array<string>(profiles.length);
  const used = new Set<string>();
  for (const p of pairs) {
    if (names[p.c] !== undefined || used.has(p.name)) continue;
    names[p.c] = p.name;
    used.add(p.name);
  }
  profiles.forEach((_, c) => (names[c] ??= `Segment ${c + 1}`));
  return names;
}

/**
 * A whole amount in the org's currency (ISO 4217 code, e.g. "GBP", "USD", "EUR"): "£1,240", "$1,240",
 * "€1,240". Without a known currency the bare number, never a guessed symbol.
 */
export function money(v: number, currency: string | null): string {
  const whole = Math.round(v);
  if (currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(whole);
    } catch {
      return `${whole.toLocaleString('en-US')} ${currency}`;
    }
  }
  return whole.toLocaleString('en-US');
}

/**
 * The segment's typical profile, worded as the segment's (a centroid, not any one account's figures), so it
 * cannot be read as the account's own recency or order count shown beside it.
 */
export function describeSegment(p: Profile, currency: string | null): string {
  const orders = Math.round(p.orders365);
  const times = orders <= 1 ? 'about once a year' : orders === 2 ? 'about twice a year' : `about ${orders} times a year`;
  return `accounts in this segment typically order ${times}, ${money(p.averageOrderValue, currency)} an order, last ordering about ${Math.round(p.recencyDays)} days ago`;
}
