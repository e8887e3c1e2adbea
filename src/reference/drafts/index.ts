// The reference engine's draft methods: a new architecture is one file here plus one entry below.
import { join } from 'node:path';
import { eagle } from './eagle.ts';
import { eagle3 } from './eagle3.ts';
import { hass2 } from './hass2.ts';
import { prism } from './prism.ts';
import { NgramDrafter } from './ngram.ts';
import { LearnedDrafter, checkDraft, type LearnedDraftOptions } from './learned.ts';
import { DRAFTS_DIR, type DraftArchitecture, type LearnedDraftMethod } from '../model/draft-config.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { Weights } from '../model/target.ts';
import type { Drafter } from './types.ts';

export const DRAFT_ARCHITECTURES: Record<LearnedDraftMethod, DraftArchitecture> = { eagle, eagle3, hass2, prism };
export const LEARNED_DRAFTS = Object.keys(DRAFT_ARCHITECTURES) as LearnedDraftMethod[];
export const REFERENCE_DRAFT_METHODS = ['vanilla', 'ngram', ...LEARNED_DRAFTS] as const;
export type ReferenceDraftMethod = (typeof REFERENCE_DRAFT_METHODS)[number];

export const isLearnedDraft = (m: string): m is LearnedDraftMethod => (LEARNED_DRAFTS as string[]).includes(m);

export interface DrafterSettings extends LearnedDraftOptions {
  draft: ReferenceDraftMethod;
  ngramMin: number;
  ngramMax: number;
  /** directory holding <method>/manifest.json (default models/drafts) */
  draftsDir?: string;
}

/** Checks a learned draft's files and options without loading it (for validation before launch). */
export function checkLearnedDraft(method: LearnedDraftMethod, opts: Pick<DrafterSettings, 'draftsDir' | 'stepMap' | 'modules'> = {}) {
  return checkDraft(join(opts.draftsDir ?? DRAFTS_DIR, method), DRAFT_ARCHITECTURES[method], opts);
}

export async function createDrafter(s: DrafterSettings, target: DecoderConfig, targetWeights: Weights): Promise<Drafter | null> {
  if (s.draft === 'vanilla') return null;
  if (s.draft === 'ngram') return new NgramDrafter({ ngramMin: s.ngramMin, ngramMax: s.ngramMax });
  return LearnedDrafter.load(join(s.draftsDir ?? DRAFTS_DIR, s.draft), DRAFT_ARCHITECTURES[s.draft], target, targetWeights, s);
}
