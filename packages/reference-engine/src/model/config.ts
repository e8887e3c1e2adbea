// The reference target's architecture and where its files live. One place, read by training,
// inference, the server and the benchmarks.
import { join } from 'node:path';
import { installRoot } from '../files.ts';

export interface DecoderConfig {
  /** model width */
  hidden: number;
  heads: number;
  layers: number;
  /** SwiGLU inner width */
  ffn: number;
  vocab: number;
  normEps: number;
  ropeTheta: number;
  /** longest sequence (prompt + generated) the engine accepts */
  maxContext: number;
  tieWordEmbeddings: true;
}

export const TARGET_CONFIG: DecoderConfig = {
  hidden: 256,
  heads: 4,
  layers: 16,
  ffn: 640,
  vocab: 4096,
  normEps: 1e-5,
  ropeTheta: 10000,
  maxContext: 4096,
  tieWordEmbeddings: true,
};

export interface TargetTraining {
  seed: number;
  steps: number;
  batch: number;
  seqLen: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  gradClip: number;
  evalEvery: number;
  evalBatches: number;
  checkpointEvery: number;
}

export const TARGET_TRAINING: TargetTraining = {
  seed: 20261126,
  steps: 1300,
  batch: 16,
  seqLen: 256,
  lr: 2e-3,
  minLr: 2e-4,
  warmupSteps: 50,
  weightDecay: 0.1,
  gradClip: 1.0,
  evalEvery: 100,
  evalBatches: 4,
  checkpointEvery: 25,
};

/** The install root, holding models/ and .cache/ (files.ts: the checkout, or the bundle's extracted files). */
export const PACKAGE_ROOT = installRoot();
export const MODELS_DIR = join(PACKAGE_ROOT, 'models');
export const TOKENIZER_PATH = join(MODELS_DIR, 'tokenizer.json');
export const TARGET_DIR = join(MODELS_DIR, 'target');
