// Unit checks of the history-dependent logit processing (penalties, logit_bias, min_new_tokens)
// and of min_p, against values worked out by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NO_PROCESSING, OutputHistory, isIdentity, processRow, type LogitProcessing } from '../../src/decoding/logits.ts';
import { distribution } from '../../src/decoding/sampling.ts';

const base: LogitProcessing = { ...NO_PROCESSING, logitBias: new Map() };
const hist = (...t: number[]) => { const h = new OutputHistory(); h.add(t); return h; };

describe('processRow', () => {
  it('no processing is the identity', () => {
    assert.ok(isIdentity(NO_PROCESSING));
    assert.deepEqual([...processRow([1, -2, 3], base, hist(0, 1))], [1, -2, 3]);
  });

  it('frequency and presence penalties count the output', () => {
    const p = { ...base, frequencyPenalty: 0.5, presencePenalty: 0.25 };
    // token 0 twice, token 2 once, token 1 never
    assert.deepEqual([...processRow([1, 1, 1], p, hist(0, 0, 2))], [1 - 1 - 0.25, 1, 1 - 0.5 - 0.25]);
  });

  it('repetition penalty divides positive logits and multiplies negative ones', () => {
    const p = { ...base, repetitionPenalty: 2 };
    assert.deepEqual([...processRow([4, -4, 4], p, hist(0, 1))], [2, -8, 4]);
  });

  it('pending draft tokens count as output before they are committed', () => {
    const p = { ...base, frequencyPenalty: 1 };
    assert.deepEqual([...processRow([0, 0, 0], p, hist(1), [1, 2])], [0, -2, -1]);
  });

  it('logit_bias adds to the listed tokens', () => {
    const p = { ...base, logitBias: new Map([[2, 5]]) };
    assert.deepEqual([...processRow([0, 0, 0], p, hist())], [0, 0, 5]);
  });

  it('min_new_tokens masks the stop tokens until enough were generated (pending included)', () => {
    const p = { ...base, minNewTokens: 3, stopTokenIds: [0] };
    assert.equal(processRow([9, 1], p, hist(1))[0], -Infinity);
    assert.equal(processRow([9, 1], p, hist(1), [1])[0], -Infinity);
    assert.equal(processRow([9, 1], p, hist(1), [1, 1])[0], 9);
  });
});

describe('min_p', () => {
  it('drops tokens below min_p x the top probability and renormalizes', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const d = distribution(logits, { temperature: 1, topP: 1, topK: -1, minP: 0.2 });
    // floor 0.1: the 0.05 token goes, the rest renormalize over 0.95
    assert.ok(Math.abs(d[0] - 0.5 / 0.95) < 1e-12 && Math.abs(d[2] - 0.15 / 0.95) < 1e-12);
    assert.equal(d[3], 0);
  });
});
