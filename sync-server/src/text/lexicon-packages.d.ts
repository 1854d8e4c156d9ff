// `sentiment` and `vader-sentiment` ship no types; this declares the parts Reco uses (the baselines and
// their lexicon files, which the reco scorer reads as its word valences).
declare module 'sentiment' {
  export default class Sentiment {
    public analyze(text: string): { score: number; comparative: number; tokens: string[] };
  }
}
declare module 'vader-sentiment' {
  const vader: {
    SentimentIntensityAnalyzer: {
      polarity_scores(text: string): { neg: number; neu: number; pos: number; compound: number };
    };
  };
  export default vader;
}
