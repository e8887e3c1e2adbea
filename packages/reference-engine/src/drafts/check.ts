// The checks of a learned draft's files and options that need no model loaded: what the harness
// and the CLI run before launching an engine (through the contract), and what each drafter runs
// when it loads. Kept apart from the drafters so that checking loads no onnxruntime.
import { join } from 'node:path';
import { eagle } from './eagle.ts';
import { eagle3 } from './eagle3.ts';
import { hass2 } from './hass2.ts';
import { prism } from './prism.ts';
import { DraftConfigError, checkDraftVocabulary, readDraftFiles } from './draft-files.ts';
import { FEATURE_DRAFTS, LEARNED_DRAFTS } from './methods.ts';
import { DRAFTS_DIR, type DraftArchitecture, type FeatureDraftMethod, type LearnedDraftMethod } from '../model/draft-config.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { DraftParameterCounts } from '../model/draft-params.ts';

/** The options that shape a PRISM-style draft: the step map and the modules used (PRISM's M). */
export interface DraftShapeOptions {
  /** step -> module; defaults to the architecture's published map */
  stepMap?: number[];
  /** modules to use; must not exceed the modules in the weight file */
  modules?: number;
}

/** Draft decoders fed the target's features (the EAGLE family and PRISM), one shared runtime. */
export const DRAFT_ARCHITECTURES: Record<FeatureDraftMethod, DraftArchitecture> = { eagle, eagle3, hass2, prism };
export const isLearnedDraft = (m: string): m is LearnedDraftMethod => (LEARNED_DRAFTS as string[]).includes(m);
export const isFeatureDraft = (m: string): m is FeatureDraftMethod => (FEATURE_DRAFTS as string[]).includes(m);

export interface DraftManifest {
  name: string;
  method: string;
  config: { modules: number; layersPerModule: number; features: 'last' | 'eagle3'; featureLayers: number[]; stepMap: number[]; draftVocabularySize: number };
  weights: { file: string; sha256: string };
  parameters: DraftParameterCounts;
  draftVocabulary: number[];
}

/** Reads and checks a draft's manifest against its architecture and options, without building anything. */
export function checkDraft(dir: string, arch: DraftArchitecture, opts: DraftShapeOptions = {}): DraftManifest {
  const { manifest: m, manifestPath } = readDraftFiles<DraftManifest>(dir, arch.method);
  const c = m.config;
  if (!c || c.layersPerModule !== arch.layersPerModule || c.features !== arch.features) {
    throw new DraftConfigError(`${manifestPath}: field config does not describe a ${arch.method} draft (layersPerModule ${c?.layersPerModule}, features ${c?.features}); retrain with prism-bench train drafts ${arch.method}`);
  }
  checkDraftVocabulary(manifestPath, m.draftVocabulary, c.draftVocabularySize);
  const modules = opts.modules ?? c.modules;
  if (!Number.isInteger(modules) || modules < 1 || modules > c.modules) throw new DraftConfigError(`modules: ${opts.modules} asked for, but ${manifestPath} has ${c.modules} module(s); use 1..${c.modules}`);
  const map = opts.stepMap ?? c.stepMap;
  if (!Array.isArray(map) || map.length === 0) throw new DraftConfigError('stepMap: expected a non-empty list of module indices, e.g. [0, 1]');
  map.forEach((mod, s) => {
    if (!Number.isInteger(mod) || mod < 0 || mod >= modules) throw new DraftConfigError(`stepMap[${s}]: module ${mod} does not exist (this ${arch.method} draft has modules 0..${modules - 1}); name modules 0..${modules - 1}`);
  });
  return m;
}

export interface MedusaManifest {
  name: string;
  method: 'medusa';
  config: { heads: number; featureLayers: number[]; draftVocabularySize: number };
  weights: { file: string; sha256: string };
  /** rankAccuracy[k][r]: share of validation positions where head k's (r+1)-th choice is the target's argmax */
  validation: { top1PerHead: number[]; rankAccuracy: number[][] };
  draftVocabulary: number[];
}

export function checkMedusa(dir: string, target?: DecoderConfig): MedusaManifest {
  const { manifest: m, manifestPath } = readDraftFiles<MedusaManifest>(dir, 'medusa');
  const c = m.config;
  if (!c || !Number.isInteger(c.heads) || c.heads < 1) throw new DraftConfigError(`${manifestPath}: field config.heads must be a positive integer; retrain with prism-bench train drafts medusa`);
  if (target && (c.featureLayers?.length !== 1 || c.featureLayers[0] !== target.layers - 1)) throw new DraftConfigError(`${manifestPath}: field config.featureLayers is ${JSON.stringify(c.featureLayers)}, expected [${target.layers - 1}] (the target's last layer); retrain against this target`);
  checkDraftVocabulary(manifestPath, m.draftVocabulary, c.draftVocabularySize, target?.vocab);
  const ranks = m.validation?.rankAccuracy;
  if (!Array.isArray(ranks) || ranks.length !== c.heads || ranks.some((r) => !Array.isArray(r) || r.length === 0)) throw new DraftConfigError(`${manifestPath}: field validation.rankAccuracy must hold one list of rank accuracies per head (${c.heads}); retrain with prism-bench train drafts medusa`);
  return m;
}

export interface StandaloneManifest {
  name: string;
  method: 'standalone';
  /** the small model's own decoder config (the target's tokenizer, so the target's vocabulary) */
  config: DecoderConfig;
  weights: { file: string; sha256: string };
}

export function checkStandalone(dir: string, target?: DecoderConfig): StandaloneManifest {
  const { manifest: m, manifestPath } = readDraftFiles<StandaloneManifest>(dir, 'standalone');
  const c = m.config;
  if (!c || !Number.isInteger(c.layers) || c.layers < 1 || !Number.isInteger(c.hidden) || !Number.isInteger(c.heads)) throw new DraftConfigError(`${manifestPath}: field config must be a decoder config (layers, hidden, heads, ffn, vocab, ...); retrain with prism-bench train drafts standalone`);
  if (target && c.vocab !== target.vocab) throw new DraftConfigError(`${manifestPath}: field config.vocab is ${c.vocab}, the target's is ${target.vocab}: a standalone draft must share the target's tokenizer`);
  return m;
}

/** Checks a learned draft's files and options without loading it (for validation before launch). */
export function checkLearnedDraft(method: LearnedDraftMethod, opts: DraftShapeOptions & { draftsDir?: string } = {}): void {
  const dir = join(opts.draftsDir ?? DRAFTS_DIR, method);
  if (isFeatureDraft(method)) { checkDraft(dir, DRAFT_ARCHITECTURES[method], opts); return; }
  if (opts.stepMap !== undefined || opts.modules !== undefined) throw new DraftConfigError(`stepMap and modules apply to PRISM-style drafts with parameter sets per step (${FEATURE_DRAFTS.join(', ')}), not to ${method}`);
  if (method === 'medusa') checkMedusa(dir);
  else checkStandalone(dir);
}
