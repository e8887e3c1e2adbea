// `prism-bench train target`: tokenizes the corpus with the committed tokenizer and hands the
// token stream to the numpy trainer (train_target.py), which checkpoints and resumes.
import { mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { engineFile } from '../files.ts';
import { writeTokenStreams } from './streams.ts';
import { runTrainer, type TrainDevice } from './trainer-process.ts';
import { TARGET_CONFIG, TARGET_TRAINING, TARGET_DIR, PACKAGE_ROOT, type TargetTraining } from '../model/config.ts';

export type TrainEvent =
  | { event: 'step'; step: number; steps: number; loss: number; lr: number; grad_norm: number; tokens_per_s: number }
  | { event: 'eval'; step: number; val_loss: number }
  | { event: 'resume'; step: number }
  | { event: 'done'; step: number; val_loss: number; val_loss_256: number; history: { step: number; train_loss: number; val_loss: number }[] };

export interface TrainTargetOptions {
  outDir?: string;
  workDir?: string;
  /** overrides for quick experiments; the shipped weights use TARGET_TRAINING as is */
  training?: Partial<TargetTraining>;
  fresh?: boolean;
  onEvent?: (e: TrainEvent) => void;
  python?: string;
  device?: TrainDevice;
}

/** A written job file and what the manifest needs once the trainer has run it. */
export interface PreparedTargetJob {
  jobPath: string;
  checkpoint: string;
  outDir: string;
  training: TargetTraining;
  tokenizer: { vocabSize: number; eosId: number };
  recipe: unknown;
  trainTokens: number;
  validationTokens: number;
}

export function prepareTargetJob(opts: TrainTargetOptions = {}): PreparedTargetJob {
  const outDir = opts.outDir ?? TARGET_DIR;
  const workDir = opts.workDir ?? join(PACKAGE_ROOT, '.cache', 'train', 'target');
  const training = { ...TARGET_TRAINING, ...opts.training };
  mkdirSync(outDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  const checkpoint = join(workDir, 'checkpoint.npz');
  if (opts.fresh && existsSync(checkpoint)) rmSync(checkpoint);

  const { trainPath, valPath, tokenizer, recipe, trainTokens, validationTokens } = writeTokenStreams(workDir);

  const c = TARGET_CONFIG;
  const job = {
    model: { hidden: c.hidden, heads: c.heads, layers: c.layers, ffn: c.ffn, vocab: c.vocab, norm_eps: c.normEps, rope_theta: c.ropeTheta },
    train: {
      seed: training.seed, steps: training.steps, batch: training.batch, seq_len: training.seqLen, lr: training.lr,
      min_lr: training.minLr, warmup_steps: training.warmupSteps, weight_decay: training.weightDecay,
      grad_clip: training.gradClip, eval_every: training.evalEvery, eval_batches: training.evalBatches,
      checkpoint_every: training.checkpointEvery,
    },
    train_tokens: trainPath, val_tokens: valPath, checkpoint,
    output: join(outDir, 'model.safetensors'),
  };
  const jobPath = join(workDir, 'job.json');
  writeFileSync(jobPath, JSON.stringify(job, null, 2));
  return { jobPath, checkpoint, outDir, training, tokenizer: { vocabSize: tokenizer.vocabSize, eosId: tokenizer.eosId }, recipe, trainTokens, validationTokens };
}

/** Runs the trainer on a prepared job and returns its final event. */
async function runTargetTrainer(prepared: PreparedTargetJob, opts: TrainTargetOptions): Promise<Extract<TrainEvent, { event: 'done' }>> {
  const script = engineFile('train/train_target.py');
  let done: Extract<TrainEvent, { event: 'done' }> | undefined;
  // numpy on the CPU; the same code on CuPy on an NVIDIA GPU
  const code = await runTrainer<TrainEvent>(opts.python ?? 'python3', script, prepared.jobPath, { PRISM_TRAIN_ARRAYS: opts.device === 'cuda' ? 'cupy' : 'numpy' }, (e) => {
    if (e.event === 'done') done = e;
    opts.onEvent?.(e);
  });
  if (code !== 0 || !done) throw new Error(`train target: the trainer exited with code ${code}; rerun the same command to resume from ${prepared.checkpoint}`);
  return done;
}

/** Writes the manifest beside the weights the trainer wrote for a prepared job. */
export function writeTargetManifest(prepared: PreparedTargetJob, done: Extract<TrainEvent, { event: 'done' }>, device: TrainDevice, where?: string): string {
  const c = TARGET_CONFIG;
  const trainer = device === 'cuda'
    ? `packages/reference-engine/src/train/train_target.py with its array math on CuPy (PRISM_TRAIN_ARRAYS=cupy)${where ? `, ${where}` : ''}`
    : 'packages/reference-engine/src/train/train_target.py (numpy)';
  const manifest = {
    name: 'reference-target',
    architecture: 'llama-style decoder: RMSNorm, rotary positions (rotate-half), SwiGLU MLP, multi-head causal attention, tied embeddings',
    config: c,
    weights: { file: 'model.safetensors', dtype: 'float16', layout: 'Hugging Face Llama names, linear weights [out, in]' },
    tokenizer: { file: '../tokenizer.json', vocabSize: prepared.tokenizer.vocabSize, eosId: prepared.tokenizer.eosId },
    corpus: { recipe: prepared.recipe, trainTokens: prepared.trainTokens, validationTokens: prepared.validationTokens },
    training: { ...prepared.training, optimizer: 'AdamW (beta1 0.9, beta2 0.95, eps 1e-8), cosine decay after linear warmup', trainer },
    finalValidationLoss: done.val_loss,
    /** on 256-token windows, 16 per batch: comparable across targets trained on other sequence lengths */
    validationLossAt256Tokens: done.val_loss_256,
    history: done.history,
  };
  const manifestPath = join(prepared.outDir, 'manifest.json');
  writeFileAtomic.sync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return manifestPath;
}

export async function trainTarget(opts: TrainTargetOptions = {}): Promise<{ manifestPath: string; valLoss: number }> {
  const prepared = prepareTargetJob(opts);
  const done = await runTargetTrainer(prepared, opts);
  return { manifestPath: writeTargetManifest(prepared, done, opts.device ?? 'cpu'), valLoss: done.val_loss };
}
