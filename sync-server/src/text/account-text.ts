// Per-account text signals at a date: sentiment level and trend, negative texts in 30 and 90 days, the age of
// the oldest open case, and the themes of the last 90 days' negative texts with counts ("card not arrived
// ×3, refund ×1"), plus the excerpt (when one was allowed) that most explains them.
import type { InsightText } from '../domain/types.js';
import type { Theme } from './themes.js';

export type ScoredText = {
  accountId: string | null;
  object: string;
  date: string;
  score: number;
  label: 'negative' | 'neutral' | 'positive';
  themeId: string | null;
  isClosed: boolean | null;
  excerpt: string | null;
};

export type AccountText = {
  accountId: string;
  /** mean score of the last 90 days' texts; null without any */
  sentimentLevel: number | null;
  /** mean of the last 30 days minus mean of days 31-90; null unless both windows have texts */
  sentimentTrend: number | null;
  negative30: number;
  negative90: number;
  negativeCases30: number;
  negativeCases90: number;
  /** days since the oldest still-open case was opened; null without open cases */
  openCaseAgeDays: number | null;
  texts90: number;
  themes: { id: string; name: string; count: number }[];
  excerpt: string | null;
};

const DAY = 86_400_000;

export function accountTextSignals(texts: readonly ScoredText[], themes: readonly Theme[], asOf: Date): Map<string, AccountText> {
  const names = new Map(themes.map((t) => [t.id, t.name]));
  const byAccount = new Map<string, ScoredText[]>();
  for (const t of texts) {
    if (!t.accountId) continue;
    const list = byAccount.get(t.accountId) ?? [];
    list.push(t);
    byAccount.set(t.accountId, list);
  }
  const out = new Map<string, AccountText>();
  const now = asOf.getTime();
  for (const [accountId, list] of byAccount) {
    let sum90 = 0;
    let n90 = 0;
    let sum30 = 0;
    let n30 = 0;
    let oldestOpen: number | null = null;
    const a: AccountText = {
      accountId, sentimentLevel: null, sentimentTrend: null, negative30: 0, negative90: 0, negativeCases30: 0,
      negativeCases90: 0, openCaseAgeDays: null, texts90: 0, themes: [], excerpt: null,
    };
    const themeCounts = new Map<string, number>();
    let worst: ScoredText | null = null;
    for (const t of list) {
      const at = Date.parse(t.date);
      if (!Number.isFinite(at) || at > now) continue;
      const age = (now - at) / DAY;
      if (t.object === 'Case' && t.isClosed === false) oldestOpen = oldestOpen === null ? at : Math.min(oldestOpen, at);
      if (age >= 90) continue;
      sum90 += t.score;
      n90++;
      if (age < 30) {
        sum30 += t.score;
        n30++;
      }
      if (t.label !== 'negative') continue;
      a.negative90++;
      if (t.object === 'Case') a.negativeCases90++;
      if (age < 30) {
        a.negative30++;
        if (t.object === 'Case') a.negativeCases30++;
      }
      if (t.themeId) themeCounts.set(t.themeId, (themeCounts.get(t.themeId) ?? 0) + 1);
      // The most negative text that carries an excerpt explains the account best.
      if (t.excerpt && (!worst || t.score < worst.score)) worst = t;
    }
    a.texts90 = n90;
    a.sentimentLevel = n90 ? sum90 / n90 : null;
    a.sentimentTrend = n30 && n90 > n30 ? sum30 / n30 - (sum90 - sum30) / (n90 - n30) : null;
    a.openCaseAgeDays = oldestOpen === null ? null : Math.floor((now - oldestOpen) / DAY);
    a.themes = [...themeCounts.entries()]
      .map(([id, count]) => ({ id, name: names.get(id) ?? id, count }))
      .sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
    a.excerpt = worst?.excerpt ?? null;
    out.set(accountId, a);
  }
  return out;
}

/** "3 negative in 30 days: card arrive ×2, refund ×1" — the line a rep reads. */
export function themeSummary(a: AccountText, max = 3): string {
  if (a.negative90 === 0) return '';
  const parts = a.themes.slice(0, max).map((t) => `${t.name} ×${t.count}`);
  return `${a.negative30} negative in 30 days, ${a.negative90} in 90${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

/** The account's text signals as the insight record carries them (Top_Themes__c is a 255-character field). */
export function insightText(a: AccountText): InsightText {
  let themes = '';
  for (const t of a.themes) {
    const next = `${themes ? `${themes}; ` : ''}${t.name} ×${t.count}`;
    if (next.length > 255) break;
    themes = next;
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    sentimentScore: round(a.sentimentLevel),
    sentimentTrend: round(a.sentimentTrend),
    negativeCases30: a.negativeCases30,
    negativeCases90: a.negativeCases90,
    openCaseAgeDays: a.openCaseAgeDays,
    topThemes: themes,
    excerpt: a.excerpt === null ? null : a.excerpt.slice(0, 255),
  };
}
