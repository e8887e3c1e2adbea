// `prism-bench profile`, loaded only when it runs (../profile.ts registers it). The reference
// engine is measured in this process from its own timers (the engine package's measureCosts);
// GPU engines get --dry-run: the launches that make acceptance a set number with each engine's
// own synthetic-acceptance knob, so that only cost varies between them.
import { cpus, hostname } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { packageVersion } from '../../version.ts';
import { PROFILE_FORMAT, PROFILE_VERSION, parseProfile, type Profile } from '../../profile/schema.ts';
import { REFERENCE_DRAFT_METHODS } from '@prism-bench/reference-engine/contract';

const FULL = { contexts: [64, 256, 1024], tokens: [1, 2, 3, 4, 5, 6, 8, 12, 16, 17, 24, 32, 48, 64], rows: [1, 2, 3, 4, 6, 8, 12, 16], repeats: 9 };
const QUICK = { contexts: [64, 512], tokens: [1, 2, 4, 8, 16, 17, 32, 64], rows: [1, 2, 4, 8, 16], repeats: 5 };
/** acceptance lengths (bonus included) and draft lengths a GPU profile sweeps */
const GPU_SWEEP = { acceptance: [1, 2, 4], draftTokens: [1, 3, 7, 15, 31, 63], topK: [1, 4, 8, 16] };

/** What a GPU engine would be launched with, one line per setting: the knobs as each engine's source names them. */
export function gpuDryRun(engine: string): string {
  const lines: string[] = [
    `profile --engine ${engine} --dry-run: acceptance is set by the engine's own knob, so tok/s at acceptance length L gives the cycle time (L tokens per cycle);`,
    'varying the draft tokens at fixed L separates verify cost (tokens fed) from draft cost (steps x rows). Output is not lossless in this mode: measure cost only.',
  ];
  for (const L of GPU_SWEEP.acceptance) {
    for (const k of GPU_SWEEP.draftTokens) {
      if (L > k + 1) continue;
      if (engine === 'sglang') {
        // python/sglang/srt/environ.py @21ff4b08: EnvFloat(-1), acceptance length incl. bonus; match-expected keeps the mean
        lines.push(`SGLANG_SIMULATE_ACC_LEN=${L} SGLANG_SIMULATE_ACC_METHOD=match-expected python -m sglang.launch_server --model-path MODEL --speculative-algorithm EAGLE3 --speculative-draft-model-path DRAFT --speculative-num-steps ${k} --speculative-eagle-topk 1 --speculative-num-draft-tokens ${k + 1} --cuda-graph-max-bs 1 --max-running-requests 1`);
      } else if (engine === 'vllm') {
        // vllm/config/speculative.py @002e77c1: rejection_sample_method "synthetic" with synthetic_acceptance_length (incl. bonus)
        lines.push(`vllm serve MODEL --speculative-config '${JSON.stringify({ method: 'eagle3', model: 'DRAFT', num_speculative_tokens: k, rejection_sample_method: 'synthetic', synthetic_acceptance_length: L })}' --max-num-seqs 1`);
      } else if (engine === 'trtllm' && L === 1) {
        // 0 turns the knob off (real acceptance), so TensorRT-LLM cannot be held at zero accepted drafts
        if (k === GPU_SWEEP.draftTokens[0]) lines.push('# TensorRT-LLM: L = 1 is not settable (TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=0 means off); its sweep starts at L = 2');
      } else if (engine === 'trtllm') {
        // tensorrt_llm/_torch/speculative/interface.py @b35ac1b6: accepted DRAFT tokens, bonus excluded (so L - 1); 0 = off
        lines.push(`TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=${L - 1} trtllm-serve MODEL --backend pytorch --config cfg.yaml   # cfg: speculative_config {decoding_type: Eagle3, max_draft_len: ${k}, speculative_model: DRAFT}`);
      }
    }
  }
  if (engine === 'sglang') for (const t of GPU_SWEEP.topK.slice(1)) lines.push(`SGLANG_SIMULATE_ACC_LEN=2 ... --speculative-num-steps 3 --speculative-eagle-topk ${t} --speculative-num-draft-tokens ${2 * t}   # a tree level of ${t} rows`);
  lines.push('Measuring a GPU engine through its server is not built yet; scripts/gpu-profile.py measures a model shape directly with CUDA graphs and writes the same format.');
  return lines.join('\n') + '\n';
}

function list(v: unknown): string[] | undefined {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

export async function profileAction(o: Record<string, string | boolean | undefined>): Promise<void> {
  const engine = String(o.engine ?? 'reference');
  if (!['reference', 'sglang', 'vllm', 'trtllm'].includes(engine)) throw new UsageError(`profile --engine: ${engine} is not an engine; use reference, sglang, vllm or trtllm`);
  const plan = o.quick ? QUICK : FULL;
  if (engine !== 'reference') {
    if (!o.dryRun) throw new UsageError(`profile --engine ${engine}: only --dry-run is offered for GPU engines (the launches with their synthetic-acceptance knobs); scripts/gpu-profile.py measures a GPU profile`);
    process.stdout.write(gpuDryRun(engine));
    return;
  }
  const drafts = (list(o.drafts) ?? REFERENCE_DRAFT_METHODS.filter((d) => d !== 'vanilla')) as (typeof REFERENCE_DRAFT_METHODS)[number][];
  for (const d of drafts) if (!REFERENCE_DRAFT_METHODS.includes(d)) throw new UsageError(`profile --drafts: ${d} is not a reference draft; use ${REFERENCE_DRAFT_METHODS.join(', ')}`);
  const name = typeof o.name === 'string' ? o.name : `reference-${hostname()}`;
  const out = typeof o.out === 'string' ? o.out : join('profiles', `${name}.json`);
  const threads = o.threads === undefined ? 1 : Number(o.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`profile --threads: expected an integer >= 1, got ${String(o.threads)}`);
  if (o.dryRun) {
    process.stdout.write(`profile --engine reference --dry-run: would time the target at KV ${plan.contexts.join(', ')} over ${plan.tokens.join(', ')} tokens (each count in blocks of consecutive passes, median of 12), drafts ${drafts.join(', ')} at ${plan.rows.join(', ')} rows per step inside the decoding loop with 2 drafts accepted per cycle (synthetic acceptance, as SGLANG_SIMULATE_ACC_LEN=3), and write ${out}\n`);
    return;
  }
  // the engine's own package, loaded only now (as serve and train load it)
  const { measureCosts } = await import('@prism-bench/reference-engine');
  const m = await measureCosts({ ...plan, drafts, threads, log: (l) => process.stderr.write(`profile: ${l}\n`) });
  const profile: Profile = {
    format: PROFILE_FORMAT, version: PROFILE_VERSION, name, provenance: 'measured',
    measuredBy: `prism-bench profile ${packageVersion()}`, createdAt: new Date().toISOString(),
    machine: { description: `${hostname()}: ${cpus()[0]?.model ?? 'CPU'}`, cpu: cpus()[0]?.model, cores: cpus().length },
    engine: { name: 'reference', version: packageVersion(), description: `embedded reference engine, onnxruntime CPU, ${threads} intra-op thread(s) for the target, 1 for drafts` },
    model: { name: m.model.name, layers: m.model.config.layers, hidden: m.model.config.hidden, vocab: m.model.config.vocab, dtype: 'float32 compute (float16 weights)' },
    target: { verify: m.verify, prefill: m.prefill },
    drafts: m.drafts,
    overheads: { cycleMs: m.cycleOverheadMs, requestMs: 0 },
    notes: [
      `measured in ${m.seconds.toFixed(1)} s in process (no HTTP): requestMs is 0 here, since client, HTTP and streaming costs are outside the engine's timers`,
      'target points: median of repeated passes over a causal block at that KV length; drafts: mean step time inside the decoding loop, 2 drafts accepted per cycle (synthetic)',
    ],
  };
  parseProfile(profile, out); // what we write must load
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(profile, null, 2) + '\n');
  process.stdout.write(`wrote ${out} (${m.seconds.toFixed(1)} s)\n`);
}
