// Public API of the statistics module; the comparison core (one compare for every caller) is comparison.ts.

export { summarize, modifiedZScores, outlierIndices, OUTLIER_Z, type Summary } from './descriptive.ts';
export {
  erf,
  erfc,
  logBeta,
  logGamma,
  noncentralTCdf,
  noncentralTSf,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  regularizedIncompleteBeta,
  tCdf,
  tPdf,
  tQuantile,
  tSf,
} from './distributions.ts';
export {
  bootstrapInterval,
  bootstrapMean,
  bootstrapRatioOfSums,
  sampleSd,
  scaledTInterval,
  tInterval,
  DEFAULT_BOOTSTRAP_SEED,
  DEFAULT_RESAMPLES,
  type BootstrapInterval,
  type BootstrapOptions,
  type Interval,
  type IntervalScale,
  type ScaledTInterval,
  type TInterval,
} from './intervals.ts';
export { mulberry32, randomIndex, type Rng } from './random.ts';
export {
  holm,
  mannWhitneyU,
  oneSampleTTest,
  welchTTest,
  type MannWhitneyMethod,
  type MannWhitneyOptions,
  type MannWhitneyResult,
  type OneSampleTTestResult,
  type WelchResult,
} from './tests.ts';
export {
  compareSamples,
  pairedLogRatio,
  ratioOfMeansInterval,
  relativeError,
  type Comparison,
  type CompareOptions,
  type Direction,
  type PairedLogRatio,
  type RatioInterval,
  type RelativeError,
} from './compare.ts';
export { minimumDetectableEffect, tTestPower } from './power.ts';
export {
  combineCells,
  compare,
  DEFAULT_ALPHA,
  detectableChange,
  pairRounds,
  type ComparedCell,
  type ComparisonTest,
  type Design,
  type Estimate,
  type EstimateOptions,
  type RatioBounds,
  type RoundPair,
  type Sample,
  type SideSummary,
  type SuiteEstimate,
} from './comparison.ts';
export { beyondP, decisionPower, minimumDetectableChange, satterthwaite, type VarianceGroups } from './decision-power.ts';
