// The numpy trainer's hand-written backward pass against finite differences, and a tiny
// training run that checkpoints, resumes and writes a loadable safetensors file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/model/safetensors.ts';

const trainDir = fileURLToPath(new URL('../../src/train/', import.meta.url));
const python = (code: string) => spawnSync('python3', ['-c', code], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: trainDir } });
const hasNumpy = python('import numpy').status === 0;

test('backward pass matches finite differences (float64)', { skip: !hasNumpy && 'python3 with numpy is not available' }, () => {
  const r = python(`
import numpy as np, train_target as tt
cfg = {"hidden": 16, "heads": 2, "layers": 2, "ffn": 24, "vocab": 37, "norm_eps": 1e-5, "rope_theta": 10000.0}
rng = np.random.default_rng(1)
tt.F32 = np.float64
p = {k: (a + rng.normal(0, 0.3, a.shape)).astype(np.float64) for k, a in tt.init_params(cfg, rng).items()}
x = rng.integers(0, 37, (2, 5)); y = rng.integers(0, 37, (2, 5))
loss, cache = tt.forward(p, cfg, x, y)
g = tt.backward(p, cfg, cache)
worst = 0.0
for k in p:
    for _ in range(3):
        idx = tuple(int(rng.integers(0, s)) for s in p[k].shape)
        old = p[k][idx]; e = 1e-6
        p[k][idx] = old + e; lp, _ = tt.forward(p, cfg, x, y, False)
        p[k][idx] = old - e; lm, _ = tt.forward(p, cfg, x, y, False)
        p[k][idx] = old
        num = (lp - lm) / (2 * e)
        worst = max(worst, abs(num - g[k][idx]) / max(1e-6, abs(num) + abs(g[k][idx])))
print(worst)
`);
  assert.equal(r.status, 0, r.stderr);
  const worst = Number(r.stdout.trim());
  assert.ok(worst < 1e-4, `worst relative gradient error ${worst}`);
});

test('a tiny training run checkpoints, resumes and writes safetensors', { skip: !hasNumpy && 'python3 with numpy is not available' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-train-'));
  const tokens = Uint16Array.from({ length: 4000 }, (_, i) => (i * 7 + (i >> 3)) % 50);
  writeFileSync(join(dir, 'train.u16'), tokens);
  writeFileSync(join(dir, 'val.u16'), tokens.subarray(0, 600));
  const job = (steps: number) => ({
    model: { hidden: 16, heads: 2, layers: 1, ffn: 32, vocab: 50, norm_eps: 1e-5, rope_theta: 10000 },
    train: { seed: 3, steps, batch: 4, seq_len: 16, lr: 3e-3, min_lr: 3e-4, warmup_steps: 2, weight_decay: 0.1, grad_clip: 1, eval_every: 5, eval_batches: 2, checkpoint_every: 5 },
    train_tokens: join(dir, 'train.u16'), val_tokens: join(dir, 'val.u16'), checkpoint: join(dir, 'ckpt.npz'), output: join(dir, 'model.safetensors'),
  });
  const runJob = (steps: number) => {
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job(steps)));
    const r = spawnSync('python3', [join(trainDir, 'train_target.py'), join(dir, 'job.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; step: number; val_loss?: number; loss?: number });
  };
  const first = runJob(10);
  assert.ok(existsSync(join(dir, 'ckpt.npz')));
  const second = runJob(20);
  assert.deepEqual(second[0], { event: 'resume', step: 10 });
  const steps = second.filter((e) => e.event === 'step');
  assert.equal(steps[0].step, 11);
  const done = second.at(-1)!;
  assert.equal(done.event, 'done');
  const firstEval = first.find((e) => e.event === 'eval')!.val_loss!;
  assert.ok(done.val_loss! < firstEval, `validation loss should fall: ${firstEval} -> ${done.val_loss}`);
  const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
  assert.deepEqual(tensors.get('model.layers.0.mlp.gate_proj.weight')!.shape, [32, 16]);
  assert.equal(tensors.get('model.embed_tokens.weight')!.dtype, 'F16');
});
