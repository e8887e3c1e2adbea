// `prism-bench train drafts [NAME...]`: trains the learned drafts against the frozen shipped
// target with train_drafts.py (PyTorch, on the CPU or with --device cuda a GPU), all on one data budget, and writes each draft's
// safetensors and manifest under models/drafts/<name>/.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { engineFile } from '../files.ts';
import { writeTokenStreams } from './streams.ts';
import { runTrainer, type TrainDevice } from './trainer-process.ts';
import { sha256File } from '../model/safetensors.ts';
import { PACKAGE_ROOT, TARGET_DIR, type DecoderConfig } from '../model/config.ts';
import { DRAFT_TRAINING, DRAFT_VOCAB_SIZE, DRAFTS_DIR, eagle3FeatureLayers, architectureFeatureLayers, type DraftTraining, type FeatureDraftMethod, type LearnedDraftMethod } from '../model/draft-config.ts';
import { DRAFT_ARCHITECTURES, OTHER_ARCHITECTURES } from '../drafts/index.ts';
import { draftParameterCounts } from '../model/draft-params.ts';

export type DraftTrainEvent =
  | { event: 'step'; draft: string; step: number; steps: number; loss: number; lr: number; grad_norm: number; tokens_per_s: number }
  | { event: 'eval'; draft: string; top1: number[]; rankAccuracy?: number[][] }
  | { event: 'resume'; draft: string; step: number }
  /** on resume: the loss curve recorded before the interruption */
  | { event: 'history'; draft: string; points: { step: number; loss: number }[] }
  | { event: 'skip'; draft: string; reason: string }
  | { event: 'done'; draft: string; steps: number; top1: number[]; seconds: number; rankAccuracy?: number[][] }
  | { event: 'generate'; split: string; done: number; total: number; tokens_per_s: number };

export interface TrainDraftsOptions {
  drafts: LearnedDraftMethod[];
  outDir?: string;
  workDir?: string;
  /** where the target's generated training sequences are cached (shared by every data fraction) */
  dataDir?: string;
  /** share of the data budget to train on (data-scaling runs); the shipped weights use 1 */
  dataFraction?: number;
  training?: Partial<DraftTraining>;
  fresh?: boolean;
  python?: string;
  /** cpu here; cuda runs the same job with PyTorch on an NVIDIA GPU */
  device?: TrainDevice;
  onEvent?: (e: DraftTrainEvent) => void;
}

/** A written job file and what the manifests need once the trainer has run it. */
export interface PreparedDraftJob {
  jobPath: string;
  outDir: string;
  workDir: string;
  drafts: LearnedDraftMethod[];
  dataFraction: number;
  training: DraftTraining;
  cfg: DecoderConfig;
  vocabulary: number[];
  targetWeights: string;
}

/** What the trainer reported for each draft: its final event and its loss curve. */
export interface DraftTrainerResults {
  done: Map<string, Extract<DraftTrainEvent, { event: 'done' }>>;
  history: Map<string, { step: number; loss: number }[]>;
}

/** Collects a trainer's events (from its stdout, here or replayed from a log written elsewhere). */
export function draftResultsCollector(): { results: DraftTrainerResults; take: (e: DraftTrainEvent) => void } {
  const results: DraftTrainerResults = { done: new Map(), history: new Map() };
  return {
    results,
    take: (e) => {
      if (e.event === 'done') results.done.set(e.draft, e);
      if (e.event === 'history') results.history.set(e.draft, [...e.points]);
      if (e.event === 'step') { const h = results.history.get(e.draft) ?? []; h.push({ step: e.step, loss: Number(e.loss.toFixed(4)) }); results.history.set(e.draft, h); }
    },
  };
}

/** Debian's python3-torch installs for /usr/bin/python3; a python3 earlier on PATH may lack it. */
export function defaultTorchPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}


/** The draft vocabulary: the DRAFT_VOCAB_SIZE most frequent tokens of the training stream, most frequent first (ties: smaller id). */
export function draftVocabulary(trainStream: Uint16Array, vocab: number): number[] {
  const counts = new Float64Array(vocab);
  for (const t of trainStream) counts[t]++;
  return Array.from({ length: vocab }, (_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b).slice(0, DRAFT_VOCAB_SIZE);
}

/** What train_drafts.py needs to know about one draft: its kind and its architecture's fields. */
function trainerSpec(d: LearnedDraftMethod, cfg: DecoderConfig): Record<string, unknown> {
  if (d === 'medusa') {
    const a = OTHER_ARCHITECTURES.medusa;
    return { kind: 'medusa', heads: a.heads, depthDecay: a.objective.depthDecay, featureLayers: [cfg.layers - 1] };
  }
  if (d === 'standalone') return { kind: 'standalone', layers: OTHER_ARCHITECTURES.standalone.layers };
  const a = DRAFT_ARCHITECTURES[d];
  return {
    kind: 'feature', modules: a.modules, layersPerModule: a.layersPerModule, features: a.features, stepMap: a.stepMap,
    trainDepth: a.objective.depth, depthDecay: a.objective.depthDecay, ceWeight: a.objective.ceWeight,
    featureWeight: a.objective.featureWeight, topKWeight: a.objective.topKWeight ?? 0, topK: a.objective.topK ?? 0,
    singleModuleFraction: a.objective.singleModuleFraction ?? 0,
  };
}

export function prepareDraftJob(opts: TrainDraftsOptions): PreparedDraftJob {
  const outDir = opts.outDir ?? DRAFTS_DIR;
  const dataFraction = opts.dataFraction ?? 1;
  const workDir = opts.workDir ?? join(PACKAGE_ROOT, '.cache', 'train', `drafts-${dataFraction}`);
  const training = { ...DRAFT_TRAINING, ...opts.training };
  mkdirSync(outDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  const dataDir = opts.dataDir ?? join(PACKAGE_ROOT, '.cache', 'train', 'drafts-data');
  mkdirSync(dataDir, { recursive: true });
  if (opts.fresh) for (const d of opts.drafts) { rmSync(join(workDir, `${d}.ckpt.pt`), { force: true }); rmSync(join(workDir, d), { recursive: true, force: true }); }
  const targetManifest = JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig };
  const cfg = targetManifest.config;
  const streams = writeTokenStreams(workDir);
  const vocabulary = draftVocabulary(new Uint16Array(readFileSync(streams.trainPath).buffer.slice(0)), cfg.vocab);
  const specs = Object.fromEntries(opts.drafts.map((d) => [d, trainerSpec(d, cfg)]));
  const targetWeights = join(TARGET_DIR, 'model.safetensors');
  const job = {
    target: cfg, targetWeights, targetWeightsSha256: sha256File(targetWeights), draftVocabulary: vocabulary, featureLayers: eagle3FeatureLayers(cfg),
    train: { ...training, dataFraction }, evalDepth: training.evalDepth,
    trainTokens: streams.trainPath, valTokens: streams.valPath, drafts: opts.drafts, specs,
    outDir: workDir, workDir, dataDir,
  };
  const jobPath = join(workDir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(job));
  return { jobPath, outDir, workDir, drafts: opts.drafts, dataFraction, training, cfg, vocabulary, targetWeights };
}

async function runDraftTrainer(prepared: PreparedDraftJob, opts: TrainDraftsOptions): Promise<DraftTrainerResults> {
  const script = engineFile('train/train_drafts.py');
  const { results, take } = draftResultsCollector();
  const code = await runTrainer<DraftTrainEvent>(opts.python ?? defaultTorchPython(), script, prepared.jobPath, { PRISM_TRAIN_DEVICE: opts.device ?? 'cpu' }, (e) => {
    take(e);
    opts.onEvent?.(e);
  });
  if (code !== 0) throw new Error(`train drafts: the trainer exited with code ${code}; rerun the same command to resume from the checkpoints in ${prepared.workDir}`);
  return results;
}

/** Moves each trained draft's weights from the job's work directory to its model directory and writes its manifest. */
export function writeDraftManifests(prepared: PreparedDraftJob, results: DraftTrainerResults, device: TrainDevice, where?: string): string[] {
  const { training, dataFraction, cfg, vocabulary, targetWeights, workDir, outDir } = prepared;
  const manifests: string[] = [];
  const tokensPerDraft = Math.round(training.steps * dataFraction) * training.batch * training.seqLen;
  const trainer = device === 'cuda' ? `packages/reference-engine/src/train/train_drafts.py (PyTorch, CUDA${where ? `, ${where}` : ''})` : 'packages/reference-engine/src/train/train_drafts.py (PyTorch, CPU)';
  for (const name of prepared.drafts) {
    const result = results.done.get(name);
    if (!result) throw new Error(`train drafts: the trainer finished without training ${name}`);
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const weights = join(dir, 'model.safetensors');
    renameSync(join(workDir, name, 'model.safetensors'), weights);
    rmSync(join(workDir, name), { recursive: true, force: true });
    const common = {
      target: { dir: '../../target', weightsSha256: sha256File(targetWeights) },
      dataBudget: { steps: Math.round(training.steps * dataFraction), batch: training.batch, seqLen: training.seqLen, tokens: tokensPerDraft, dataFraction, sequences: Math.round(training.steps * dataFraction) * training.batch, data: `the target's own outputs: ${training.promptLen}-token windows of its training corpus continued by the target to ${training.seqLen} tokens, alternately greedy and sampled at T = 1 (self-distillation, as EAGLE-3, HASS and PRISM regenerate their data with the target)` },
      training: { ...training, optimizer: 'AdamW (beta1 0.9, beta2 0.95, no weight decay), linear warmup then cosine decay', trainer, seconds: Math.round(result.seconds) },
    };
    const manifest = name === 'medusa' ? medusaManifest(cfg, vocabulary, weights, result, common)
      : name === 'standalone' ? standaloneManifest(cfg, weights, result, common)
        : featureDraftManifest(name, cfg, vocabulary, weights, result, common);
    Object.assign(manifest, { history: results.history.get(name) ?? [] });
    const manifestPath = join(dir, 'manifest.json');
    writeFileAtomic.sync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    manifests.push(manifestPath);
  }
  return manifests;
}

type DoneEvent = Extract<DraftTrainEvent, { event: 'done' }>;
interface ManifestCommon { target: object; dataBudget: object; training: object }

function featureDraftManifest(name: FeatureDraftMethod, cfg: DecoderConfig, vocabulary: number[], weights: string, result: DoneEvent, common: ManifestCommon) {
  const a = DRAFT_ARCHITECTURES[name];
  return {
    name, method: name, architecture: a.summary,
    config: { modules: a.modules, layersPerModule: a.layersPerModule, features: a.features, featureLayers: architectureFeatureLayers(a, cfg), stepMap: a.stepMap, draftVocabularySize: vocabulary.length },
    target: common.target,
    weights: { file: 'model.safetensors', dtype: 'float16', sha256: sha256File(weights), layout: 'modules.<m>.{fc3,fc,norm}.weight and modules.<m>.layers.<i>.<Llama names>; embedding and output head are the frozen target\'s' },
    parameters: draftParameterCounts(cfg, a, vocabulary.length),
    dataBudget: common.dataBudget, objective: a.objective, training: common.training,
    validation: { top1PerPosition: result.top1, definition: 'share of validation positions where the draft\'s argmax (mapped to target ids) equals the target\'s argmax, per draft step, unrolled on the draft\'s own features with the data\'s tokens' },
    draftVocabulary: vocabulary,
  };
}

function medusaManifest(cfg: DecoderConfig, vocabulary: number[], weights: string, result: DoneEvent, common: ManifestCommon) {
  const a = OTHER_ARCHITECTURES.medusa, D = cfg.hidden, N = vocabulary.length;
  const perHead = D * D + D + N * D;
  return {
    name: 'medusa', method: 'medusa', architecture: a.summary,
    config: { heads: a.heads, featureLayers: [cfg.layers - 1], draftVocabularySize: N },
    target: common.target,
    weights: { file: 'model.safetensors', dtype: 'float16', sha256: sha256File(weights), layout: 'heads.<k>.proj.{weight,bias} (residual block) and heads.<k>.out.weight (the head\'s output layer over the draft vocabulary, [N, hidden]); the final norm is the frozen target\'s' },
    parameters: { trainable: a.heads * perHead, total: a.heads * perHead, activatedPerCycle: a.heads * perHead, headRows: N },
    dataBudget: common.dataBudget, objective: { ...a.objective, definition: 'soft cross-entropy of head k against the target\'s distribution for the token k + 2 places on, weight depthDecay^k normalized' }, training: common.training,
    validation: {
      top1PerHead: result.top1, rankAccuracy: result.rankAccuracy ?? [],
      definition: 'per head k: share of validation positions where the head\'s argmax (top1PerHead) or its (r+1)-th choice (rankAccuracy[k][r]) equals the target\'s argmax for the token k + 2 places on, from the target\'s hidden state on the data\'s tokens; the static tree is built from rankAccuracy',
    },
    draftVocabulary: vocabulary,
  };
}

function standaloneManifest(cfg: DecoderConfig, weights: string, result: DoneEvent, common: ManifestCommon) {
  const a = OTHER_ARCHITECTURES.standalone, D = cfg.hidden;
  const config: DecoderConfig = { ...cfg, layers: a.layers };
  const layer = 4 * D * D + 3 * D * cfg.ffn + 2 * D;
  const L = cfg.layers;
  const initLayers = Array.from({ length: a.layers }, (_, i) => Math.round((i * (L - 1)) / Math.max(1, a.layers - 1)));
  return {
    name: 'standalone', method: 'standalone', architecture: a.summary,
    config, initializedFrom: { embedding: 'the target\'s (tied output head)', finalNorm: 'the target\'s', layers: initLayers.map((l) => `target layer ${l}`) },
    target: common.target,
    weights: { file: 'model.safetensors', dtype: 'float16', sha256: sha256File(weights), layout: 'Llama names (model.embed_tokens.weight, model.layers.<i>.*, model.norm.weight), tied output head' },
    parameters: { trainable: cfg.vocab * D + a.layers * layer + D, activatedPerStep: cfg.vocab * D + a.layers * layer + D },
    dataBudget: common.dataBudget, objective: { ...a.objective, definition: 'soft cross-entropy against the target\'s full next-token distribution at every position' }, training: common.training,
    validation: { top1: result.top1[0], definition: 'share of validation positions where the small model\'s argmax equals the target\'s, on the data\'s tokens (one figure for every draft step: the model conditions on tokens, not on features)' },
  };
}

export async function trainDrafts(opts: TrainDraftsOptions): Promise<{ manifests: string[] }> {
  const prepared = prepareDraftJob(opts);
  const results = await runDraftTrainer(prepared, opts);
  return { manifests: writeDraftManifests(prepared, results, opts.device ?? 'cpu') };
}
