// Word valences on VADER's scale (-4..4): the VADER and AFINN lexicons shipped inside the baseline packages
// (read from their installed files, so nothing is downloaded), averaged where both rate a word, plus the
// words and phrases of customer-service writing that neither rates ("still waiting", "no response",
// "refund"). The supplement was written from support-desk vocabulary, not mined from the evaluation files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type Lexicon = {
  /** single normalised token → valence */
  words: Map<string, number>;
  /** first token → phrases starting with it (token sequences) and their valence */
  phrases: Map<string, { tokens: string[]; valence: number }[]>;
};

/** Support-desk words the general lexicons miss or rate as neutral. */
const SUPPORT_WORDS: Record<string, number> = {
  refund: -1.2, refunded: -0.6, chargeback: -2.2, escalate: -2.2, escalated: -2, escalating: -2, escalation: -1.8,
  cancel: -1.3, cancelled: -1.2, canceled: -1.2, cancellation: -1.2, unsubscribe: -1,
  overcharged: -2.5, overcharge: -2.2, unresponsive: -2.2, unreachable: -1.8, unusable: -2.6, unacceptable: -2.8,
  malfunction: -2, malfunctioning: -2, defective: -2.3, faulty: -2.2, broken: -2, broke: -1.6, crashes: -1.8,
  crashed: -1.8, crashing: -1.8, glitch: -1.5, glitches: -1.6, buggy: -1.8, laggy: -1.5, outage: -2, downtime: -1.6,
  overdue: -1.2, delayed: -1.5, delay: -1.2, delays: -1.3, late: -0.8, missing: -1.3, lost: -1.2, stuck: -1.6,
  declined: -1.3, rejected: -1.5, blocked: -1.2, locked: -0.9, frozen: -1, compromised: -2, fraudulent: -2.5,
  fraud: -2.5, unauthorized: -2, unauthorised: -2, scam: -3, ripoff: -3, overpriced: -2, mediocre: -1.5, bland: -1.3,
  flimsy: -1.8, cheaply: -1.4, poorly: -2, junk: -2.5, garbage: -2.8, waste: -2.2, wasted: -2.2, useless: -2.5,
  rude: -2.3, unprofessional: -2.5, incompetent: -2.8, clueless: -2, ignored: -2, unhelpful: -2.2, slow: -1.2,
  sluggish: -1.4, returned: -1, returning: -0.8, disconnected: -1.2, dropped: -1, drops: -0.8, leaking: -1.5,
  resolved: 1.6, fixed: 1.4, prompt: 1.2, promptly: 1.3, responsive: 1.4, reliable: 1.6, sturdy: 1.4, seamless: 1.8,
  smooth: 1.2, painless: 1.6, helpful: 2, knowledgeable: 1.8, courteous: 1.8, delicious: 2.6, tasty: 2,
  recommended: 1.5, recommend: 1.5, impressed: 2.2, flawless: 2.6, flawlessly: 2.6, affordable: 1.2,
};

/** Multi-word support phrases: their valence replaces that of the words inside them. */
const SUPPORT_PHRASES: Record<string, number> = {
  'still waiting': -2.6, 'still not': -1.6, 'still no': -1.8, 'still have not': -1.8, 'still has not': -1.8,
  'no response': -2.6, 'no reply': -2.4, 'no answer': -2.2, 'no one': -1.2, 'no update': -1.8, 'no updates': -1.8,
  'not received': -1.8, 'never received': -2.2, 'not arrived': -1.8, 'never arrived': -2.2, 'has not arrived': -1.9,
  'not working': -2.2, 'not work': -2, 'stopped working': -2.4, 'quit working': -2.4, 'does not work': -2.2,
  'did not work': -2.2, 'not fixed': -2, 'not resolved': -2.2, 'not been resolved': -2.4, 'on hold': -1.4,
  'charged twice': -2.6, 'double charged': -2.6, 'waste of': -2.6, 'fed up': -2.6, 'never again': -2.8,
  'take my business elsewhere': -3, 'go elsewhere': -2, 'switch to': -1, 'want my money back': -2.8,
  'money back': -2, 'get back to me': -1.2, 'keeps crashing': -2.4, 'keeps dropping': -2.2, 'not happy': -2.2,
  'not satisfied': -2.2, 'not acceptable': -2.6, 'how many times': -1.8, 'yet again': -1.6, 'again and again': -1.6,
  'customer service': 0, 'no problem': 1.6, 'no problems': 1.6, 'no issues': 1.6, 'no complaints': 2, 'thank you': 1.4,
  'works great': 2.6, 'works well': 2.2, 'works perfectly': 2.8, 'well made': 2, 'highly recommend': 2.8,
  'would recommend': 2.2, 'five stars': 2.5, '5 stars': 2.5, '10/10': 2.8, 'one star': -2.5, '1 star': -2.5,
  'zero stars': -2.8, '0 stars': -2.8, 'not worth': -2.2, 'worth it': 1.8, 'worth every': 2.2, 'thumbs up': 2,
  'thumbs down': -2, 'went above and beyond': 3, 'above and beyond': 2.8, 'sorted out': 1.4, 'quickly resolved': 2.2,
};

/** Words that scale the next sentiment word (VADER's booster idea). */
export const INTENSIFIERS: Record<string, number> = {
  very: 1.3, really: 1.3, so: 1.25, extremely: 1.45, totally: 1.35, absolutely: 1.4, completely: 1.35,
  incredibly: 1.4, super: 1.3, highly: 1.3, truly: 1.3, utterly: 1.45, most: 1.2, too: 1.2, such: 1.2,
  terribly: 1.4, seriously: 1.3, especially: 1.2, quite: 1.1, beyond: 1.3, ever: 1.1,
  slightly: 0.6, somewhat: 0.7, bit: 0.7, little: 0.75, fairly: 0.8, kinda: 0.7, sorta: 0.7, marginally: 0.6,
};

/** Tokens that flip the next few sentiment words (wink expands "don't"/"dont" to "do not"). */
export const NEGATORS = new Set([
  'not', 'no', 'never', 'without', 'nothing', 'nobody', 'none', 'nor', 'neither', 'hardly', 'barely', 'scarcely',
  'cannot', 'lack', 'lacks', 'lacking', 'nowhere',
]);

function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

function vaderWords(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(packageFile('vader-sentiment', 'vader_lexicon.txt'), 'utf8').split('\n')) {
    const [word, mean] = line.split('\t');
    if (word && mean !== undefined && Number.isFinite(Number(mean))) out.set(word, Number(mean));
  }
  return out;
}

function afinnWords(): Map<string, number> {
  const json = JSON.parse(readFileSync(packageFile('sentiment', 'languages/en/labels.json'), 'utf8')) as Record<string, number>;
  const emoji = JSON.parse(readFileSync(packageFile('sentiment', 'build/emoji.json'), 'utf8')) as Record<string, number>;
  return new Map([...Object.entries(json), ...Object.entries(emoji)]);
}

let cached: Lexicon | undefined;

export function lexicon(): Lexicon {
  if (cached) return cached;
  const vader = vaderWords();
  const afinn = afinnWords();
  const words = new Map<string, number>();
  for (const [w, v] of vader) words.set(w, v);
  for (const [w, a] of afinn) {
    // AFINN runs -5..5, VADER -4..4: rescale, then average where both have the word.
    const scaled = (a * 4) / 5;
    const v = words.get(w);
    words.set(w, v === undefined ? scaled : (v + scaled) / 2);
  }
  for (const [w, v] of Object.entries(SUPPORT_WORDS)) words.set(w, v);
  const phrases = new Map<string, { tokens: string[]; valence: number }[]>();
  for (const [p, valence] of Object.entries(SUPPORT_PHRASES)) {
    const tokens = p.split(' ');
    const list = phrases.get(tokens[0]) ?? [];
    list.push({ tokens, valence });
    // Longest phrase first, so "still have not" wins over "still not".
    list.sort((a, b) => b.tokens.length - a.tokens.length);
    phrases.set(tokens[0], list);
  }
  cached = { words, phrases };
  return cached;
}
