// The reference engine's draft methods: a new architecture is one file here plus one entry below.
import { join } from 'node:path';
import { medusa, MedusaDrafter } from './medusa.ts';
import { standalone, StandaloneDrafter } from './standalone.ts';
import { NgramDrafter } from './ngram.ts';
import { SUFFIX_DEFAULTS, SuffixDrafter, type SuffixOptions } from './suffix.ts';
import { LearnedDrafter, type LearnedDraftOptions } from './learned.ts';
import { DRAFT_ARCHITECTURES, checkLearnedDraft, isFeatureDraft, isLearnedDraft } from './check.ts';
import { DRAFTS_DIR, type MedusaArchitecture, type StandaloneArchitecture } from '../model/draft-config.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { Weights } from '../model/target.ts';
import type { Drafter } from './types.ts';
import { FEATURE_DRAFTS, LEARNED_DRAFTS, REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod } from './methods.ts';

export { FEATURE_DRAFTS, LEARNED_DRAFTS, REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod };
export { SUFFIX_DEFAULTS, type SuffixOptions };
// the checks that load no model live in check.ts (the contract exports them)
export { DRAFT_ARCHITECTURES, checkLearnedDraft, isFeatureDraft, isLearnedDraft };

/** Drafts with a runtime of their own. */
export const OTHER_ARCHITECTURES: { medusa: MedusaArchitecture; standalone: StandaloneArchitecture } = { medusa, standalone };

export interface DrafterSettings extends LearnedDraftOptions {
  draft: ReferenceDraftMethod;
  ngramMin: number;
  ngramMax: number;
  /** suffix decoding's settings; SUFFIX_DEFAULTS where left out */
  suffix?: Partial<SuffixOptions>;
  /** directory holding <method>/manifest.json (default models/drafts) */
  draftsDir?: string;
}

export async function createDrafter(s: DrafterSettings, target: DecoderConfig, targetWeights: Weights): Promise<Drafter | null> {
  if (s.draft === 'vanilla') return null;
  if (s.draft === 'ngram') return new NgramDrafter({ ngramMin: s.ngramMin, ngramMax: s.ngramMax });
  if (s.draft === 'suffix') return new SuffixDrafter({ ...SUFFIX_DEFAULTS, ...s.suffix });
  const dir = join(s.draftsDir ?? DRAFTS_DIR, s.draft);
  if (s.draft === 'medusa') return MedusaDrafter.load(dir, target, targetWeights, s);
  if (s.draft === 'standalone') return StandaloneDrafter.load(dir, target, s);
  return LearnedDrafter.load(dir, DRAFT_ARCHITECTURES[s.draft], target, targetWeights, s);
}
