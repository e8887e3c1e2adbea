// The draft trainer end to end on a tiny budget: target outputs generated, every draft (feature
// drafts, Medusa's heads, the standalone model)
// trained, manifests written that match their weights, and the weights load into the runtime
// and decode losslessly. Needs Debian's python3-torch (installed by .ci/run); skips without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainDrafts, defaultTorchPython } from '../../src/train/drafts.ts';
import { sha256File } from '../../src/model/safetensors.ts';
import { DRAFT_ARCHITECTURES, LEARNED_DRAFTS, createDrafter, isFeatureDraft } from '../../src/drafts/index.ts';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { generate } from '../../src/decoding/generate.ts';
import { draftFeatureLayers } from '../../src/model/draft-config.ts';

const python = defaultTorchPython();
const hasTorch = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

test('train drafts: a tiny run of every architecture writes loadable, lossless drafts', { skip: hasTorch ? false : `${python} cannot import torch (apt-get install python3-torch libopenblas0-pthread)` }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-train-drafts-'));
  try {
    const events: string[] = [];
    const { manifests } = await trainDrafts({
      drafts: [...LEARNED_DRAFTS], outDir: join(dir, 'drafts'), workDir: join(dir, 'work'), dataDir: join(dir, 'data'),
      training: { steps: 4, batch: 2, seqLen: 40, promptLen: 8, evalBatches: 1, evalDepth: 3, warmupSteps: 1, logEvery: 1, checkpointEvery: 2 },
      onEvent: (e) => events.push(e.event),
    });
    assert.equal(manifests.length, LEARNED_DRAFTS.length);
    assert.ok(events.includes('generate') && events.includes('step') && events.includes('done'));
    const cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    const { tensors } = readSafetensors(join(TARGET_DIR, 'model.safetensors'));
    const target = await OnnxDecoder.fromWeights(cfg, tensors, { threads: 1, hiddenAfterLayers: draftFeatureLayers(cfg) });
    const tok = Tokenizer.load(TOKENIZER_PATH);
    const prompt = tok.encode('Question: Why is the sky blue?\nAnswer:');
    const opts = { maxNewTokens: 12, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 0 };
    const vanilla = await generate(target, null, prompt, { ...opts, draftTokens: 0 });
    for (const name of LEARNED_DRAFTS) {
      const m = JSON.parse(readFileSync(join(dir, 'drafts', name, 'manifest.json'), 'utf8'));
      assert.equal(m.weights.sha256, sha256File(join(dir, 'drafts', name, 'model.safetensors')));
      assert.equal(m.dataBudget.tokens, 4 * 2 * 40);
      if (isFeatureDraft(name)) {
        assert.deepEqual(m.config.stepMap, DRAFT_ARCHITECTURES[name].stepMap);
        assert.equal(m.validation.top1PerPosition.length, 3);
      } else if (name === 'medusa') {
        assert.equal(m.validation.top1PerHead.length, m.config.heads);
        assert.equal(m.validation.rankAccuracy.length, m.config.heads);
        m.validation.rankAccuracy.forEach((r: number[], k: number) => assert.equal(r[0], m.validation.top1PerHead[k]));
      } else {
        assert.equal(m.config.layers, 2);
        assert.ok(m.validation.top1 >= 0 && m.validation.top1 <= 1);
      }
      assert.ok(m.history.every((h: { loss: number }) => Number.isFinite(h.loss)));
      const d = await createDrafter({ draft: name, ngramMin: 1, ngramMax: 4, draftsDir: join(dir, 'drafts') }, cfg, tensors);
      const r = await generate(target, d, prompt, { ...opts, draftTokens: 3 });
      assert.deepEqual(r.tokens, vanilla.tokens, `${name}: greedy output equals vanilla's`);
      await (d as unknown as { release(): Promise<void> }).release();
    }
    await target.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
