// The text step between the models and the write-back: themes across the org's recent negative texts and
// each account's sentiment, negative cases and themes, put on its insight for the record page.
import type { Sql } from '../lib/sql.js';
import type { ModelOutput, TextEvent } from '../domain/types.js';
import { insightText, loadTextScores, orgTextSignals, templateHashes } from '../text/index.js';

export async function attachTextSignals(sql: Sql, output: ModelOutput): Promise<{ themes: number; accounts: number }> {
  const signals = await orgTextSignals(sql, new Date(output.asOf));
  let accounts = 0;
  for (const i of output.insights) {
    const a = signals.accounts.get(i.accountId);
    i.text = a ? insightText(a) : null;
    if (a) accounts++;
  }
  output.metrics.text = { texts: signals.texts, themedTexts: signals.themedTexts, themes: signals.themes.map((t) => ({ id: t.id, name: t.name, size: t.size })) };
  return { themes: signals.themes.length, accounts };
}

/** Scored texts for the models (the churn model may read them): account, date, score, negative case; templates left out. */
export async function textEvents(sql: Sql): Promise<TextEvent[]> {
  const templates = await templateHashes(sql);
  return (await loadTextScores(sql))
    .filter((t) => t.accountId !== null && !templates.has(t.contentHash))
    .map((t) => ({ accountId: t.accountId as string, date: t.date, score: t.score, negativeCase: t.object === 'Case' && t.label === 'negative' }));
}
