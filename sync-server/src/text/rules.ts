// The rule layer: walks the tokens once and sums word and phrase valences with negation, intensifiers,
// emphasis and contrast ("ok, but the support was useless": the clause after "but" is what the writer
// means). Its output is evidence, not a verdict: calibration.ts turns it into a score.
import { INTENSIFIERS, NEGATORS, lexicon } from './lexicon.js';
import type { Tokens } from './tokens.js';

/** VADER's factor for a negated word: "not good" is milder than "bad". */
const NEGATION_FLIP = -0.74;
const NEGATION_SCOPE = 3;
/** Neutral verbs that are complaints when negated: "has not arrived", "never responded". */
const EXPECTED = new Set([
  'arrive', 'arrived', 'arrives', 'receive', 'received', 'work', 'works', 'working', 'worked', 'respond',
  'responded', 'answer', 'answered', 'reply', 'replied', 'fix', 'fixed', 'resolve', 'resolved', 'refund',
  'refunded', 'deliver', 'delivered', 'ship', 'shipped', 'show', 'showing', 'shown', 'load', 'loading', 'help',
  'helped', 'call', 'called', 'contact', 'contacted', 'process', 'processed', 'go', 'through', 'update', 'updated',
  'come', 'came', 'turn', 'charge', 'connect', 'sync', 'last', 'lasted', 'heard', 'hear',
]);
const CONTRAST = new Set(['but', 'however', 'although', 'though', 'yet', 'unfortunately', 'except']);
const SENTENCE_END = new Set(['.', '!', '?', ';', '…']);

export type Evidence = {
  pos: number;
  neg: number;
  /** sum of support-phrase valences */
  phrasePos: number;
  phraseNeg: number;
  negatedPos: number;
  negatedNeg: number;
  exclamations: number;
  questions: number;
  /** signed sum over the last sentence that has any sentiment */
  last: number;
  /** word tokens seen */
  words: number;
  /** count of words or phrases that carried any valence */
  hits: number;
  /** wink-nlp's document sentiment, -1..1 */
  wink: number;
};

function isCaps(value: string): boolean {
  return value.length >= 3 && value === value.toUpperCase() && value !== value.toLowerCase();
}

export function evidence(tokens: Tokens): Evidence {
  const { words, phrases } = lexicon();
  const { normal, type, value } = tokens;
  const n = normal.length;
  let capsWords = 0;
  for (let i = 0; i < n; i++) if (type[i] === 'word' && isCaps(value[i])) capsWords++;
  // When the whole text shouts, capitals emphasise nothing.
  const capsMeansEmphasis = capsWords > 0 && capsWords < n / 2;
  // Contributions are kept with their clause so contrast can reweight them after the walk.
  const contrib: { v: number; clause: number; sentence: number; phrase: boolean }[] = [];
  const e: Evidence = {
    pos: 0, neg: 0, phrasePos: 0, phraseNeg: 0, negatedPos: 0, negatedNeg: 0,
    exclamations: 0, questions: 0, last: 0, words: 0, hits: 0, wink: tokens.winkSentiment,
  };
  let scope = 0;
  let boost = 1;
  let boostLeft = 0;
  let clause = 0;
  let lastContrastClause = -1;
  let sentence = 0;
  for (let i = 0; i < n; i++) {
    const t = normal[i];
    const ty = type[i];
    if (ty === 'punctuation') {
      if (t === '!') e.exclamations++;
      else if (t === '?') e.questions++;
      if (SENTENCE_END.has(t) || t === ',') scope = 0;
      if (SENTENCE_END.has(t)) sentence++;
      continue;
    }
    if (ty === 'word') e.words++;
    if (CONTRAST.has(t)) {
      clause++;
      lastContrastClause = clause;
      scope = 0;
      continue;
    }
    const candidates = phrases.get(t);
    let matched = false;
    if (candidates) {
      for (const p of candidates) {
        let ok = i + p.tokens.length <= n;
        for (let k = 1; ok && k < p.tokens.length; k++) ok = normal[i + k] === p.tokens[k];
        if (!ok) continue;
        if (p.valence !== 0) contrib.push({ v: p.valence * boost, clause, sentence, phrase: true });
        i += p.tokens.length - 1;
        matched = true;
        scope = 0;
        boost = 1;
        break;
      }
    }
    if (matched) continue;
    if (NEGATORS.has(t)) {
      scope = NEGATION_SCOPE;
      continue;
    }
    const amp = INTENSIFIERS[t];
    if (amp !== undefined && !words.has(t)) {
      boost *= amp;
      boostLeft = 2;
      continue;
    }
    let v = words.get(t);
    if (v === undefined && scope > 0 && EXPECTED.has(t)) v = -1.6 / NEGATION_FLIP;
    if (v !== undefined && v !== 0) {
      v *= boost;
      if (capsMeansEmphasis && isCaps(value[i])) v *= 1.3;
      if (scope > 0) {
        if (v > 0) e.negatedPos++;
        else e.negatedNeg++;
        v *= NEGATION_FLIP;
      }
      contrib.push({ v, clause, sentence, phrase: false });
      boost = 1;
      boostLeft = 0;
    } else if (boostLeft > 0 && --boostLeft === 0) boost = 1;
    if (ty === 'word' && scope > 0) scope--;
  }
  let lastSentence = -1;
  for (const c of contrib) {
    // VADER's contrast rule: what precedes the last "but" counts half, what follows it half again more.
    const w = lastContrastClause < 0 ? 1 : c.clause < lastContrastClause ? 0.5 : 1.5;
    const v = c.v * w;
    if (c.phrase) {
      if (v > 0) e.phrasePos += v;
      else e.phraseNeg -= v;
    }
    if (v > 0) e.pos += v;
    else e.neg -= v;
    e.hits++;
    if (c.sentence !== lastSentence) {
      lastSentence = c.sentence;
      e.last = 0;
    }
    e.last += v;
  }
  return e;
}
