// Old key names still load, each with a one-line note on stderr naming the new key: a draft's
// draftTokens (verifiedTokens for learned drafts, draftedTokens for ngram) and the sglang engine's
// modelPath and draftModelPath (model and draftModel). Old and new name together is an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPath, loadSuite } from '../../src/suite/index.ts';
import { normaliseLegacy } from '../../src/suite/legacy.ts';
import { assertSuiteError, writeTemp } from './helpers.ts';

/** Runs fn with stderr captured; returns fn's value and what was written. */
function withStderr<T>(fn: () => T): { value: T; stderr: string } {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write; // why: the test stands in for the stream's overloaded write
  try {
    return { value: fn(), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('legacy names: draftTokens', () => {
  it('an ngram draft\'s draftTokens loads as draftedTokens, with a one-line note naming it', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: ngram, draftTokens: 3}]\n');
    const { value: s, stderr } = withStderr(() => loadSuite(file));
    assert.deepEqual(s.drafts, [{ name: 'ngram', method: 'ngram', draftedTokens: 3, ngramMin: 1, ngramMax: 4 }]);
    assert.equal(stderr, `${displayPath(file)}: drafts[0].draftTokens is deprecated: write draftedTokens (tokens drafted per cycle, the root not counted)\n`);
  });

  it('a learned draft\'s draftTokens loads as verifiedTokens, with a one-line note naming it', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts:\n  - {method: vanilla}\n  - {name: e3, method: eagle3, steps: 3, draftTokens: 4}\n');
    const { value: s, stderr } = withStderr(() => loadSuite(file));
    assert.deepEqual(s.drafts[1], { name: 'e3', method: 'eagle3', steps: 3, verifiedTokens: 4 });
    assert.equal(stderr.split('\n').filter(Boolean).length, 1);
    assert.match(stderr, /drafts\[1\]\.draftTokens is deprecated: write verifiedTokens \(tokens verified per cycle, the root included\)/);
  });

  it('the old and the new name on one draft is a one-line error', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: ngram, draftTokens: 3, draftedTokens: 3}]\n');
    assertSuiteError(() => loadSuite(file), file, 'drafts[0].draftTokens', /remove draftTokens and keep draftedTokens/, /both draftTokens and draftedTokens given/);
    const learned = writeTemp('engines: [{name: reference}]\ndrafts: [{method: eagle3, draftTokens: 4, verifiedTokens: 4}]\n');
    assertSuiteError(() => loadSuite(learned), learned, 'drafts[0].draftTokens', /remove draftTokens and keep verifiedTokens/, /both draftTokens and verifiedTokens given/);
  });

  it('the new names are checked as the old one was, and leave no note', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: ngram, draftedTokens: 0}]\n');
    const { stderr } = withStderr(() => assertSuiteError(() => loadSuite(file), file, 'drafts[0].draftedTokens', /whole number such as 6/));
    assert.equal(stderr, '');
  });
});

describe('legacy names: the sglang engine\'s modelPath and draftModelPath', () => {
  it('modelPath loads as model and draftModelPath as draftModel, each with a note', () => {
    const file = writeTemp('engines: [{name: sglang, options: {modelPath: m, draftModelPath: d, prompt: raw}}]\ndrafts: [{method: vanilla}]\n');
    const { value: s, stderr } = withStderr(() => loadSuite(file));
    assert.deepEqual(s.engines[0]!.options, { model: 'm', draftModel: 'd', prompt: 'raw' });
    assert.deepEqual(stderr.split('\n').filter(Boolean), [
      `${displayPath(file)}: engines[0].options.modelPath is deprecated: write model (the target model, as every engine names it)`,
      `${displayPath(file)}: engines[0].options.draftModelPath is deprecated: write draftModel (the draft model, as every engine names it)`,
    ]);
  });

  it('modelPath and model together is a one-line error', () => {
    const file = writeTemp('engines: [{name: sglang, options: {modelPath: m, model: m}}]\ndrafts: [{method: vanilla}]\n');
    assertSuiteError(() => loadSuite(file), file, 'engines[0].options.modelPath', /remove modelPath and keep model/, /both modelPath and model given/);
  });

  it('other engines keep their own names: modelPath is an unknown key there', () => {
    const file = writeTemp('engines: [{name: vllm, options: {modelPath: m}}]\ndrafts: [{method: vanilla}]\n');
    const { value: doc } = withStderr(() => normaliseLegacy({ engines: [{ name: 'vllm', options: { modelPath: 'm' } }] }, file));
    assert.deepEqual(doc, { doc: { engines: [{ name: 'vllm', options: { modelPath: 'm' } }] } });
  });

  it('leaves the document it was given unchanged', () => {
    const doc = { engines: [{ name: 'sglang', options: { modelPath: 'm' } }], drafts: [{ method: 'ngram', draftTokens: 2 }] };
    const before = structuredClone(doc);
    const notes: string[] = [];
    normaliseLegacy(doc, 'x.yaml', (l) => notes.push(l));
    assert.deepEqual(doc, before);
    assert.equal(notes.length, 2);
  });
});
