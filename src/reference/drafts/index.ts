// The reference engine's draft methods: a new architecture is one file here plus one entry below.
import { join } from 'node:path';
import { eagle } from './eagle.ts';
import { eagle3 } from './eagle3.ts';
import { hass2 } from './hass2.ts';
import { prism } from './prism.ts';
import { medusa, MedusaDrafter, checkMedusa } from './medusa.ts';
import { standalone, StandaloneDrafter, checkStandalone } from './standalone.ts';
import { NgramDrafter } from './ngram.ts';
import { LearnedDrafter, checkDraft, type LearnedDraftOptions } from './learned.ts';
import { DraftConfigError } from './draft-files.ts';
import { DRAFTS_DIR, type DraftArchitecture, type FeatureDraftMethod, type LearnedDraftMethod, type MedusaArchitecture, type StandaloneArchitecture } from '../model/draft-config.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { Weights } from '../model/target.ts';
import type { Drafter } from './types.ts';
import { FEATURE_DRAFTS, LEARNED_DRAFTS, REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod } from './methods.ts';

export { FEATURE_DRAFTS, LEARNED_DRAFTS, REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod };

/** Draft decoders fed the target's features (the EAGLE family and PRISM), one shared runtime. */
export const DRAFT_ARCHITECTURES: Record<FeatureDraftMethod, DraftArchitecture> = { eagle, eagle3, hass2, prism };
/** Drafts with a runtime of their own. */
export const OTHER_ARCHITECTURES: { medusa: MedusaArchitecture; standalone: StandaloneArchitecture } = { medusa, standalone };

export const isLearnedDraft = (m: string): m is LearnedDraftMethod => (LEARNED_DRAFTS as string[]).includes(m);
export const isFeatureDraft = (m: string): m is FeatureDraftMethod => (FEATURE_DRAFTS as string[]).includes(m);

export interface DrafterSettings extends LearnedDraftOptions {
  draft: ReferenceDraftMethod;
  ngramMin: number;
  ngramMax: number;
  /** directory holding <method>/manifest.json (default models/drafts) */
  draftsDir?: string;
}

/** Checks a learned draft's files and options without loading it (for validation before launch). */
export function checkLearnedDraft(method: LearnedDraftMethod, opts: Pick<DrafterSettings, 'draftsDir' | 'stepMap' | 'modules'> = {}): void {
  const dir = join(opts.draftsDir ?? DRAFTS_DIR, method);
  if (isFeatureDraft(method)) { checkDraft(dir, DRAFT_ARCHITECTURES[method], opts); return; }
  if (opts.stepMap !== undefined || opts.modules !== undefined) throw new DraftConfigError(`stepMap and modules apply to PRISM-style drafts with parameter sets per step (${FEATURE_DRAFTS.join(', ')}), not to ${method}`);
  if (method === 'medusa') checkMedusa(dir);
  else checkStandalone(dir);
}

export async function createDrafter(s: DrafterSettings, target: DecoderConfig, targetWeights: Weights): Promise<Drafter | null> {
  if (s.draft === 'vanilla') return null;
  if (s.draft === 'ngram') return new NgramDrafter({ ngramMin: s.ngramMin, ngramMax: s.ngramMax });
  const dir = join(s.draftsDir ?? DRAFTS_DIR, s.draft);
  if (s.draft === 'medusa') return MedusaDrafter.load(dir, target, targetWeights, s);
  if (s.draft === 'standalone') return StandaloneDrafter.load(dir, target, s);
  return LearnedDrafter.load(dir, DRAFT_ARCHITECTURES[s.draft], target, targetWeights, s);
}
