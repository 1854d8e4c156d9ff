// The text step between the models and the write-back: themes across the org's recent negative texts and
// each account's sentiment, negative cases and themes, put on its insight for the record page.
import type { DatabaseSync } from 'node:sqlite';
import type { ModelOutput, TextEvent } from '../domain/types.js';
import { insightText, loadTextScores, orgTextSignals, templateHashes } from '../text/index.js';

export function attachTextSignals(db: DatabaseSync, output: ModelOutput): { themes: number; accounts: number } {
  const signals = orgTextSignals(db, new Date(output.asOf));
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
export function textEvents(db: DatabaseSync): TextEvent[] {
  const templates = templateHashes(db);
  return loadTextScores(db)
    .filter((t) => t.accountId !== null && !templates.has(t.contentHash))
    .map((t) => ({ accountId: t.accountId as string, date: t.date, score: t.score, negativeCase: t.object === 'Case' && t.label === 'negative' }));
}
