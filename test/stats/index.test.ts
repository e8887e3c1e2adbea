import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as stats from '../../src/stats/index.ts';

describe('stats index', () => {
  it('re-exports the public API', () => {
    for (const name of [
      'summarize', 'modifiedZScores', 'outlierIndices', 'tCdf', 'tSf', 'tQuantile', 'tPdf', 'normalCdf', 'normalSf',
      'normalQuantile', 'normalPdf', 'erf', 'erfc', 'logGamma', 'logBeta', 'regularizedIncompleteBeta', 'tInterval',
      'bootstrapInterval', 'bootstrapMean', 'bootstrapRatioOfSums', 'sampleSd', 'mulberry32', 'randomIndex',
      'welchTTest', 'mannWhitneyU', 'holm', 'compareSamples', 'ratioOfMeansInterval', 'relativeError',
      'oneSampleTTest', 'pairedLogRatio', 'noncentralTCdf', 'noncentralTSf', 'tTestPower', 'minimumDetectableEffect',
    ]) {
      assert.equal(typeof (stats as Record<string, unknown>)[name], 'function', name);
    }
  });
});
