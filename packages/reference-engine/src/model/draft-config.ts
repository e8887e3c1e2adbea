// What every learned draft of the reference engine shares: the architecture description each
// draft file (packages/reference-engine/src/drafts/<name>.ts) fills in, the draft vocabulary, the target
// features and the training budget. Read by the trainer, the inference graphs and the server.
import { join } from 'node:path';
import { MODELS_DIR } from './config.ts';

/** Drafts that are decoder layers fed the target's features (the EAGLE family and PRISM). */
export type FeatureDraftMethod = 'eagle' | 'eagle3' | 'hass2' | 'prism';
/** Every draft the reference engine trains: the feature drafts, Medusa's heads and a standalone small model. */
export type LearnedDraftMethod = FeatureDraftMethod | 'medusa' | 'standalone';

export interface DraftTrainingObjective {
  /** unrolled draft steps per training position (1 = no multi-step alignment) */
  depth: number;
  /** weight of depth j's loss is depthDecay^j (normalized over depths) */
  depthDecay: number;
  /** soft cross-entropy against the target's distribution over the draft vocabulary */
  ceWeight: number;
  /** SmoothL1 between the draft's output hidden and the target's last-layer hidden */
  featureWeight: number;
  /** HASS's harmonized objective distillation: cross-entropy on the target's top-K tokens */
  topKWeight?: number;
  topK?: number;
  /** PRISM: share of the steps spent training module 0 alone before it is copied into every module */
  singleModuleFraction?: number;
}

export interface DraftArchitecture {
  method: FeatureDraftMethod;
  summary: string;
  /** parameter sets; exactly one runs per draft step */
  modules: number;
  /** decoder layers inside each module (all run at every step that module takes) */
  layersPerModule: number;
  /** target features at the extend pass: the last layer, or EAGLE-3's low/middle/high layers fused by fc3 */
  features: 'last' | 'eagle3';
  /** stepMap[s] = module for draft step s (step 0 = the extend pass over accepted tokens); the last entry repeats */
  stepMap: number[];
  objective: DraftTrainingObjective;
}

/** Medusa-1: heads on the target's last hidden state, each predicting one position further on. */
export interface MedusaArchitecture {
  method: 'medusa';
  summary: string;
  /** heads = the deepest position a cycle can draft */
  heads: number;
  /** head k's loss weight is depthDecay^k (normalized), as Medusa weights its heads */
  objective: { depthDecay: number; ceWeight: number };
}

/** A separate small language model with the target's tokenizer (SGLang's STANDALONE draft). */
export interface StandaloneArchitecture {
  method: 'standalone';
  summary: string;
  /** decoder layers of the small model (the target's width, heads and layer definition) */
  layers: number;
  objective: { ceWeight: number };
}

/** EAGLE-3-style reduced draft vocabulary: the most frequent training tokens (a quarter of 4096, as EAGLE-3 keeps 32k of 128k). */
export const DRAFT_VOCAB_SIZE = 1024;
/**
 * Target layers (0-based, residual stream after the layer) fused as EAGLE-3's low, middle and
 * high features: the second layer, the middle one and the last ([1, 8, 15] for the shipped 16 layers).
 */
export function eagle3FeatureLayers(target: { layers: number }): number[] {
  return [1, Math.floor(target.layers / 2), target.layers - 1];
}

/** the target layers a draft of this architecture reads */
export function architectureFeatureLayers(arch: Pick<DraftArchitecture, 'features'>, target: { layers: number }): number[] {
  return arch.features === 'eagle3' ? eagle3FeatureLayers(target) : [target.layers - 1];
}

/** every target layer some learned draft reads: the target is built to expose these */
export function draftFeatureLayers(target: { layers: number }): number[] {
  return [...new Set([...eagle3FeatureLayers(target), target.layers - 1])];
}

export interface DraftTraining {
  seed: number;
  /** optimizer steps at data fraction 1: every draft sees the same steps x batch x seqLen tokens */
  steps: number;
  batch: number;
  seqLen: number;
  /** each training sequence: a corpus window this long, continued by the target to seqLen */
  promptLen: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  gradClip: number;
  evalBatches: number;
  evalDepth: number;
  logEvery: number;
  checkpointEvery: number;
}

export const DRAFT_TRAINING: DraftTraining = {
  seed: 20261127, steps: 240, batch: 8, seqLen: 256, promptLen: 32, lr: 1.5e-3, minLr: 1e-4, warmupSteps: 20, gradClip: 1,
  evalBatches: 4, evalDepth: 6, logEvery: 5, checkpointEvery: 20,
};

export const DRAFTS_DIR = join(MODELS_DIR, 'drafts');
