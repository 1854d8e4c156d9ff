// The text step between the models and the write-back: themes across the org's recent negative texts and
// each account's sentiment, negative cases and themes, put on its insight for the record page.
import type { DatabaseSync } from 'node:sqlite';
import type { ModelOutput } from '../domain/types.js';
import { insightText, orgTextSignals } from '../text/index.js';

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
