// SOQL accepts ids in 15-char (case-sensitive) or 18-char (case-insensitive) form; literals are brought to
// the stored 18-char form with the store's id rules so comparisons stay exact SQL equality.
import { idChecksum, to18 } from '../store/ids.js';

/** The canonical 18-char id for a 15- or 18-char literal, or undefined when it cannot be an id. */
export const canonicalId = (literal: string): string | undefined => to18(literal);

/** 18-char id for a 15-char base (prefix + body); used for query locators. */
export const withChecksum = (id15: string): string => id15 + idChecksum(id15);
