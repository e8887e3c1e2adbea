// `npm run bench:suffix`: suffix decoding beside prompt lookup in one process, prompt by prompt
// (each prompt decoded by every method back to back, the order rotated from prompt to prompt), so
// a busy machine's drift lands on all methods alike; the harness's `run --suite suites/suffix.yaml`
// measures the same methods as served engines. One suffix drafter serves the prompts in order, so
// its global trie holds the answers to the prompts before (as a server's would).
// Usage: npm run bench:suffix [-- --prompts N] [-- --tokens N] [-- --temperature T]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { OnnxDecoder } from '../src/model/target.ts';
import { readSafetensors } from '../src/model/safetensors.ts';
import { Tokenizer } from '../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../src/model/config.ts';
import { generate } from '../src/decoding/generate.ts';
import { NgramDrafter } from '../src/drafts/ngram.ts';
import { SUFFIX_DEFAULTS, SuffixDrafter } from '../src/drafts/suffix.ts';
import type { Drafter } from '../src/drafts/types.ts';
import { PROMPT_SETS, readPromptSet } from '../test/helpers/prompt-sets.ts';
import { questionAnswerPrompt } from '../src/prompt.ts';

const arg = (flag: string, dflt: number) => { const i = process.argv.indexOf(flag); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const PROMPTS = arg('--prompts', 4), TOKENS = arg('--tokens', 64), TEMPERATURE = arg('--temperature', 0);
if (!(PROMPTS >= 1 && TOKENS >= 2 && TEMPERATURE >= 0)) throw new Error('usage: bench/suffix.ts [--prompts N >= 1] [--tokens N >= 2] [--temperature T >= 0]');
const DRAFTED = 6;

const cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
const model = await OnnxDecoder.fromWeights(cfg, readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors, { threads: 1 });
const tok = Tokenizer.load(TOKENIZER_PATH);
const prompts = PROMPT_SETS.flatMap((name) => readPromptSet(name, { limit: PROMPTS }));
const methods: { name: string; drafter: Drafter | null }[] = [
  { name: 'vanilla', drafter: null },
  { name: 'ngram', drafter: new NgramDrafter({ ngramMin: 1, ngramMax: 4 }) },
  { name: 'suffix', drafter: new SuffixDrafter({ ...SUFFIX_DEFAULTS }) },
  { name: 'suffix-local', drafter: new SuffixDrafter({ ...SUFFIX_DEFAULTS, maxCachedRequests: 0 }) },
];
type Sum = { tokens: number; cycles: number; proposed: number; accepted: number; draftMs: number; verifyMs: number; ms: number; perPrompt: number[] };
const sums: Sum[] = methods.map(() => ({ tokens: 0, cycles: 0, proposed: 0, accepted: 0, draftMs: 0, verifyMs: 0, ms: 0, perPrompt: [] }));
console.log(`suffix decoding beside prompt lookup: ${prompts.length} built-in prompts (first ${PROMPTS} of each set), ${TOKENS} new tokens, T = ${TEMPERATURE}, batch 1; ` +
  `${DRAFTED} drafted tokens per cycle at most; suffix ${JSON.stringify(SUFFIX_DEFAULTS)}; ${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const [i, p] of prompts.entries()) {
  const ids = tok.encode(questionAnswerPrompt([p.turns[0]], []));
  const order = methods.map((_, k) => (k + i) % methods.length);
  for (const k of order) {
    const t0 = performance.now();
    const r = await generate(model, methods[k].drafter, ids, {
      maxNewTokens: TOKENS, sampling: { temperature: TEMPERATURE, topP: 1, topK: -1 }, ignoreEos: false, eosId: tok.eosId, seed: i, draftTokens: methods[k].drafter ? DRAFTED : 0,
    });
    const ms = performance.now() - t0, s = sums[k], st = r.stats;
    s.tokens += st.completionTokens; s.cycles += st.verifyCycles; s.proposed += st.proposedDrafts; s.accepted += st.acceptedDrafts;
    s.draftMs += st.draftMs; s.verifyMs += st.verifyMs; s.ms += ms; s.perPrompt.push(st.completionTokens / ms);
  }
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const v = sums[0];
console.log('method        tau pooled  drafted/cycle  accepted/cycle  draft ms/cycle  verify ms/cycle  tok/s  speedup  median speedup/prompt');
for (const [k, m] of methods.entries()) {
  const s = sums[k];
  const speedups = s.perPrompt.map((x, i) => x / v.perPrompt[i]);
  console.log([m.name.padEnd(12), (s.tokens / s.cycles).toFixed(2).padStart(10), (s.proposed / s.cycles).toFixed(2).padStart(13), (s.accepted / s.cycles).toFixed(2).padStart(14),
    (s.draftMs / s.cycles).toFixed(3).padStart(14), (s.verifyMs / s.cycles).toFixed(2).padStart(15), (1000 * s.tokens / s.ms).toFixed(1).padStart(5),
    `${((s.tokens / s.ms) / (v.tokens / v.ms)).toFixed(2)}x`.padStart(7), `${median(speedups).toFixed(2)}x`.padStart(21)].join('  '));
}
await model.release();
