// The lexicons are English. Scoring another language by the few English-looking words in it gives
// confident nonsense ("die" in German, "fin" in French), so such text is neutral with low confidence.

const ENGLISH_FUNCTION_WORDS = new Set(
  ('the a an and or but to of in on at for with is are was were be been it this that i you he she we they my your ' +
    'me not no do does did have has had can will would should could from as so if just very all what when how ' +
    'there their our its am im dont cant wont didnt ive').split(' '),
);
const FOREIGN_FUNCTION_WORDS = new Set(
  ('der die das und ist nicht ich sie wir mit den ein eine zu auf für le la les et est pas je vous nous une des du ' +
    'que el los las y es por para con una muy pero il di che non è sono della um uma não com para het een niet van ' +
    'ik je wij zijn och att det är inte jag').split(' '),
);

/**
 * Share of the text's words that look English, 0..1, from function words (every English sentence has them)
 * and the share of letters outside Latin-1 (Cyrillic, CJK, Arabic…).
 */
export function englishLikelihood(words: readonly string[], text: string): number {
  let latin = 0;
  let other = 0;
  const limit = Math.min(text.length, 2000);
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) latin++;
    else if (c > 0x24f && /\p{L}/u.test(text[i])) other++;
  }
  if (latin + other === 0) return 0;
  if (other > latin) return 0;
  let en = 0;
  let foreign = 0;
  for (const w of words) {
    if (ENGLISH_FUNCTION_WORDS.has(w)) en++;
    else if (FOREIGN_FUNCTION_WORDS.has(w)) foreign++;
  }
  // Short notes ("Refund please", "Great!") often have no function word at all: no evidence either way.
  if (en + foreign === 0) return words.length <= 6 ? 0.6 : 0.3;
  return (en / (en + foreign)) * (latin / (latin + other));
}
