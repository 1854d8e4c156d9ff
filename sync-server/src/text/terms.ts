// The terms a theme is made of: stemmed content words and the bigrams between them ("card arriv", "refund
// request"). Function words and support-desk filler ("please", "hi", "help") are dropped: they are in every
// ticket and would pull all texts into one theme. Stemming uses the Porter stemmer shipped with wink-nlp's
// English model, so "charged", "charges" and "charge" are one term.
import model from 'wink-eng-lite-web-model';

const stem = (model as unknown as { addons: { stem: (w: string) => string } }).addons.stem;

export const STOPWORDS = new Set(
  ('a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'him his how i if in into is it its itself just me more most my myself no nor not now of off on once only or ' +
    'other our ours out over own same she should so some such than that the their them then there these they this ' +
    'those through to too under until up very was we were what when where which while who whom why will with would ' +
    'you your yours yourself im ive id dont cant wont didnt doesnt isnt wasnt arent havent hasnt couldnt shouldnt ' +
    'youre thats theres lets also get got still yet even ever much many may might must shall us one two please ' +
    'hi hello hey dear thanks thank thx regards help need want like know tell way able let make sure go going ' +
    'possible anyone someone something anything really already s t re ve ll d m').split(' '),
);

const stemCache = new Map<string, string>();

function stemOf(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stem(word);
    if (stemCache.size > 100_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Content-word stems of a text, in order; `surface` keeps the first spelling seen for each stem. */
export function contentStems(text: string, surface?: Map<string, string>): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().replace(/[’']/g, '').split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw) || /^\d+$/.test(raw)) continue;
    const s = stemOf(raw);
    if (surface && !surface.has(s)) surface.set(s, raw);
    out.push(s);
  }
  return out;
}

/** Unigrams and adjacent bigrams of the content stems. */
export function termsOf(text: string, surface?: Map<string, string>): string[] {
  const stems = contentStems(text, surface);
  const terms = stems.slice();
  for (let i = 1; i < stems.length; i++) terms.push(`${stems[i - 1]} ${stems[i]}`);
  return terms;
}
