// What a next-best calibration is, as plain data: fit.ts keeps one in the fitted params and next-best.ts
// learns and applies it, so the type lives apart from both (neither has to import the other's module for it).
import type { LogisticModel } from './logistic.js';

/**
 * Per kind: the fitted model, or null with the kind's observed rate when one outcome never happened. The
 * logistic model is linear in its features, so it can be off in places (a mix of kinds of re-order at one
 * predicted level); `isotonic` maps its output to the observed rate per level (pool-adjacent-violators on
 * equal-count bins of the calibration rows): xs ascending predicted levels, ys the rates, interpolated.
 */
export type KindCalibration = {
  model: LogisticModel | null;
  rate: number;
  rows: number;
  isotonic?: { xs: number[]; ys: number[] };
  /**
   * The observed rate per rank in the kind's list (index = rank, the last one for every rank beyond), used
   * instead of the model when present: see NextBestCalibration.basis.
   */
  byRank?: number[];
};
/**
 * Which rows the kind models were learned on. A stored calibration with another value reads its weights
 * against the wrong features, so it is learned again rather than reused (2: buy-again without the product's
 * momentum, repeat rate relative to the org's; 3: the kinds given that the account orders, times `activity`).
 */
export const CALIBRATION_FEATURES = 3;

/** window: the days [from, to) it was learned on (absent when built directly by calibrateNextBest). */
/**
 * merge: how the kinds interleave. 'probability' only when, on the calibration window, interleaving by chance
 * beat putting the account's re-orders first (NDCG@10 on everything bought) by two standard errors; otherwise
 * the calibration is not trusted to rank a new product above a re-order, and the chances are only shown.
 */
export type NextBestCalibration = {
  /** The feature set the models read (CALIBRATION_FEATURES); absent on ones learned before it was recorded. */
  features?: number;
  /**
   * The chance the account orders anything in the window; the kinds are then the chance of the product given
   * that it orders. Absent on calibrations learned before the split: their kinds are unconditional chances.
   */
  activity?: KindCalibration;
  buyAgain: KindCalibration;
  crossSell: KindCalibration;
  merge?: 'probability' | 'buyAgainFirst';
  /**
   * 'rank' when the calibration window had less than half as much history before it as the window the chances are
   * applied to (a young book): the account's and the product's own history then cannot carry over (every re-order
   * bought once, days since at most a few), so each kind's chance is its observed rate at the pick's rank and the
   * chance of ordering is the share of accounts that ordered. Absent: the models over the features.
   */
  basis?: 'features' | 'rank';
  /** Days of history before the calibration window, and in the window the chances are applied to (basis's rule). */
  history?: { calibrationDays: number; appliedDays: number };
  mergeNdcg?: { probability: number; buyAgainFirst: number; accounts: number };
  window?: { from: number; to: number };
};
