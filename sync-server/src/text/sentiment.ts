// Sentiment of one CRM text: clean → tokens → rule evidence → calibrated score in [-1, 1] and a label.
import { readFileSync } from 'node:fs';
import { cleanCrmText, MAX_SCORED_CHARS } from './clean.js';
import { featureRow, probability, type Calibration } from './calibration.js';
import { englishLikelihood } from './language.js';
import { evidence } from './rules.js';
import { tokenize } from './tokens.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type Sentiment = {
  score: number;
  label: SentimentLabel;
  /** 0..1: low for short evidence-free notes and for text that does not look English */
  confidence: number;
  /** false when the text was judged not English and scored neutral */
  english: boolean;
  truncated: boolean;
};

/** |score| below this is neutral: a text needs more than one mild word to count as an opinion. */
export const NEUTRAL_BAND = 0.2;
const MIN_ENGLISH = 0.35;

let calibration: Calibration | undefined;

export function shippedCalibration(): Calibration {
  calibration ??= JSON.parse(readFileSync(new URL('./sentiment-calibration.json', import.meta.url), 'utf8')) as Calibration;
  return calibration;
}

export function labelFor(score: number): SentimentLabel {
  return score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
}

/** Score an already cleaned text; `cal` lets training and cross-validation score with other weights. */
export function scoreClean(text: string, cal: Calibration = shippedCalibration()): Omit<Sentiment, 'truncated'> {
  if (!text.trim()) return { score: 0, label: 'neutral', confidence: 0, english: true };
  const tokens = tokenize(text);
  const english = englishLikelihood(tokens.normal, text);
  if (english < MIN_ENGLISH) return { score: 0, label: 'neutral', confidence: Math.min(0.2, english), english: false };
  const e = evidence(tokens);
  const p = probability(cal, featureRow(e));
  // The calibrated probability says which way the evidence leans; how much evidence there is decides how far
  // from 0 the score goes, so an evidence-free note stays neutral yet keeps the sign of the lean.
  const strength = Math.max(0.05, Math.min(1, (e.pos + e.neg) / 2));
  const score = Math.max(-1, Math.min(1, (2 * p - 1) * strength));
  const confidence = Math.min(1, english) * (0.3 + 0.7 * Math.abs(2 * p - 1) * strength);
  return { score, label: labelFor(score), confidence: Math.round(confidence * 1000) / 1000, english: true };
}

export function scoreSentiment(raw: string | null | undefined, maxChars = MAX_SCORED_CHARS): Sentiment {
  const { text, truncated } = cleanCrmText(raw, maxChars);
  return { ...scoreClean(text), truncated };
}
