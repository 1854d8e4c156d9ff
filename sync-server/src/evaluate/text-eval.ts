// The text evaluation: on a labelled CSV, sentiment accuracy and macro-F1 for Reco and three lexicon
// baselines, and theme quality (NMI against the labels) for Reco's themes and TF-IDF + k-means, in one run.
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { cleanCrmText, discoverThemes, fingerprint, scoreSentiment, shippedCalibration, type LabelledRow } from '../text/index.js';
import { euclideanKMeans } from '../text/kmeans.js';
import { fitTfidf, vectorize } from '../text/tfidf.js';
import { accuracy, macroF1, nmi } from './text-metrics.js';

export type ClassScores = { accuracy: number; macroF1: number };
export type TextReport = {
  rows: number;
  /** rows left out because the shipped sentiment calibration was fitted on them */
  excludedTrainingRows: number;
  labels: { kind: 'binary' | 'three-class' | 'other'; classes: string[] };
  sentiment: Record<string, ClassScores> | null;
  sentimentSkipped?: string;
  bySource?: Record<string, { rows: number; sentiment: Record<string, ClassScores> }>;
  topics: Record<string, { nmi: number; themes: number }>;
  timings: Record<string, number>;
};

type Scorer = { name: string; score: (text: string) => number; band: number };

const BINARY = new Map([['0', 'negative'], ['1', 'positive'], ['negative', 'negative'], ['positive', 'positive'], ['neg', 'negative'], ['pos', 'positive']]);
const THREE = new Map([...BINARY, ['neutral', 'neutral'], ['neu', 'neutral'], ['-1', 'negative']]);

export function sentimentLabels(raw: readonly string[]): { kind: 'binary' | 'three-class' | 'other'; labels: string[] } {
  const lower = raw.map((l) => l.toLowerCase());
  if (lower.every((l) => BINARY.has(l))) return { kind: 'binary', labels: lower.map((l) => BINARY.get(l)!) };
  if (lower.every((l) => THREE.has(l)) || lower.every((l) => ['-1', '0', '1'].includes(l))) {
    const map = lower.every((l) => ['-1', '0', '1'].includes(l)) ? new Map([['-1', 'negative'], ['0', 'neutral'], ['1', 'positive']]) : THREE;
    return { kind: 'three-class', labels: lower.map((l) => map.get(l)!) };
  }
  return { kind: 'other', labels: raw.slice() };
}

function scorers(): Scorer[] {
  const afinn = new Sentiment();
  const wink = winkNLP(model);
  return [
    // reco's label thresholds live in scoreSentiment; the band here only names its neutral zone.
    { name: 'reco', score: (t) => scoreSentiment(t).score, band: 0.2 },
    // Each baseline keeps its own documented neutral zone: AFINN and wink 0, VADER |compound| < 0.05.
    { name: 'afinn', score: (t) => afinn.analyze(t).score, band: 0 },
    { name: 'vader', score: (t) => vader.SentimentIntensityAnalyzer.polarity_scores(t).compound, band: 0.05 },
    { name: 'wink', score: (t) => wink.readDoc(t).out(wink.its.sentiment) as unknown as number, band: 0 },
  ];
}

/**
 * Binary truth: every method is judged by the sign of its score (a neutral prediction counts on the side its
 * score leans; exactly 0 counts as positive, the same for all methods). Three classes: each method's band.
 */
function predict(score: number, kind: 'binary' | 'three-class', band: number): string {
  if (kind === 'binary') return score >= 0 ? 'positive' : 'negative';
  if (band === 0) return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
  return score >= band ? 'positive' : score <= -band ? 'negative' : 'neutral';
}

function baselineTopics(texts: readonly string[], k: number): number[] {
  // scikit-learn's TfidfVectorizer defaults (words of 2+ characters, raw counts, smooth idf, L2) + k-means++.
  const docs = texts.map((t) => t.toLowerCase().match(/\b\w\w+\b/gu) ?? []);
  const tfidf = fitTfidf(docs, { minDf: 1, maxDfShare: 1 });
  return Array.from(euclideanKMeans(docs.map((d) => vectorize(tfidf, d, false)), k, tfidf.vocab.length, { seed: 1 }).assignment);
}

export function evaluateText(all: readonly LabelledRow[], opts: { groupColumn?: string; withTopics?: boolean } = {}): TextReport {
  const timings: Record<string, number> = {};
  const trained = new Set(shippedCalibration().trainedOn.fingerprints ?? []);
  const rows = all.filter((r) => !trained.has(fingerprint(r.text)));
  if (rows.length === 0) throw new Error('every row is one the shipped sentiment calibration was trained on: nothing out-of-sample to score');
  const { kind, labels } = sentimentLabels(rows.map((r) => r.label));
  const report: TextReport = {
    rows: rows.length,
    excludedTrainingRows: all.length - rows.length,
    labels: { kind, classes: [...new Set(labels)].sort() },
    sentiment: null,
    topics: {},
    timings,
  };
  if (kind === 'other') {
    report.sentimentSkipped = 'labels are neither 0/1 nor negative/neutral/positive';
  } else {
    report.sentiment = {};
    const group = opts.groupColumn ?? 'source';
    const groups = rows.some((r) => r.extra[group] !== undefined) ? [...new Set(rows.map((r) => r.extra[group] ?? ''))].sort() : [];
    if (groups.length > 1) report.bySource = Object.fromEntries(groups.map((g) => [g, { rows: rows.filter((r) => r.extra[group] === g).length, sentiment: {} }]));
    for (const s of scorers()) {
      const started = performance.now();
      const pred = rows.map((r) => predict(s.score(r.text), kind, s.band));
      timings[`sentiment.${s.name}`] = Math.round(performance.now() - started);
      report.sentiment[s.name] = { accuracy: accuracy(labels, pred), macroF1: macroF1(labels, pred) };
      for (const g of groups) {
        const ix = rows.map((r, i) => (r.extra[group] === g ? i : -1)).filter((i) => i >= 0);
        report.bySource![g].sentiment[s.name] = {
          accuracy: accuracy(ix.map((i) => labels[i]), ix.map((i) => pred[i])),
          macroF1: macroF1(ix.map((i) => labels[i]), ix.map((i) => pred[i])),
        };
      }
    }
  }
  if (opts.withTopics !== false) {
    const k = report.labels.classes.length;
    let started = performance.now();
    const themes = discoverThemes(rows.map((r) => cleanCrmText(r.text).text), { k });
    timings['topics.reco'] = Math.round(performance.now() - started);
    report.topics.reco = { nmi: nmi(labels, themes.assignment.map((a) => a ?? '(none)')), themes: themes.model.themes.length };
    started = performance.now();
    const base = baselineTopics(rows.map((r) => r.text), k);
    timings['topics.tfidf-kmeans'] = Math.round(performance.now() - started);
    report.topics['tfidf-kmeans'] = { nmi: nmi(labels, base), themes: new Set(base).size };
  }
  return report;
}
