// `npm run bench:verify-shapes`: why `prism-bench profile` times each token count in a block of
// consecutive passes. The target's pass over k tokens, timed two ways side by side in one process,
// rounds interleaved: alternating k pass by pass (round robin over the profile's counts, as the
// profile did before) and k held for a block of passes at a growing context (as decoding feeds a
// chain or a tree, cycle after cycle). onnxruntime's CPU kernels pay for a change of input shape,
// so alternating makes the cheapest pass look dearer than a decode ever sees it.
// Usage: npm run bench:verify-shapes [-- --rounds N]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { OnnxDecoder } from '../src/model/target.ts';
import { readSafetensors } from '../src/model/safetensors.ts';
import { Tokenizer } from '../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../src/model/config.ts';
import { causalMask } from '../src/decoding/verify.ts';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 4;
if (!(ROUNDS >= 1)) throw new Error('usage: bench/verify-shapes.ts [--rounds N >= 1]');
const COUNTS = [1, 2, 3, 4, 5, 6, 8, 12, 16, 17, 24, 32, 48, 64];
const SHOWN = [1, 2, 3, 4, 6, 8, 16];
const CONTEXT = 64;

const cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
const model = await OnnxDecoder.fromWeights(cfg, readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors, { threads: 1 });
const tok = Tokenizer.load(TOKENIZER_PATH);
let text = tok.encode('The committee met on Tuesday to discuss the new budget, and after a long debate the members agreed. ');
while (text.length < CONTEXT + 256) text = text.concat(text);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function session() {
  const s = model.newSession();
  await s.forward(text.slice(0, CONTEXT), text.slice(0, CONTEXT).map((_, j) => j), causalMask(0, CONTEXT));
  return s;
}
const alternating: Record<number, number[]> = {}, held: Record<number, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  const s = await session();
  for (let pass = 0; pass < 10; pass++) {
    for (const k of COUNTS) {
      const toks = text.slice(CONTEXT, CONTEXT + k);
      const t = performance.now();
      await s.forward(toks, toks.map((_, j) => CONTEXT + j), causalMask(CONTEXT, k));
      const dt = performance.now() - t;
      s.truncate(CONTEXT);
      if (pass >= 2) (alternating[k] ??= []).push(dt);
    }
  }
  s.release();
  for (const k of SHOWN) {
    const d = await session();
    for (let pass = 0, past = CONTEXT; pass < 32; pass++, past++) {
      const toks = text.slice(past, past + k);
      const t = performance.now();
      await d.forward(toks, toks.map((_, j) => past + j), causalMask(past, k));
      const dt = performance.now() - t;
      d.truncate(past + 1);
      if (pass >= 2) (held[k] ??= []).push(dt);
    }
    d.release();
  }
}
console.log(`target pass over k tokens after ${CONTEXT} cached, ms (median of ${ROUNDS} interleaved rounds); ${cpus()[0]?.model ?? 'cpu'}, load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('k    alternating  held  alternating/held');
for (const k of SHOWN) console.log(`${String(k).padEnd(4)} ${median(alternating[k]).toFixed(2).padStart(11)}  ${median(held[k]).toFixed(2).padStart(4)}  ${(median(alternating[k]) / median(held[k])).toFixed(2)}`);
