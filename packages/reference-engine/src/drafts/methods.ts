// The reference engine's draft methods and weight precisions by name: no code, so the CLI can
// list them in --help without loading the engine (index.ts and learned.ts re-export them).
import type { FeatureDraftMethod, LearnedDraftMethod } from '../model/draft-config.ts';

const FEATURE = ['eagle', 'eagle3', 'hass2', 'prism'] as const satisfies readonly FeatureDraftMethod[];
/** compile-time check: every FeatureDraftMethod is listed (a new architecture is added above too) */
const everyFeatureDraft: [Exclude<FeatureDraftMethod, (typeof FEATURE)[number]>] extends [never] ? true : never = true;
void everyFeatureDraft;

/** Draft decoders fed the target's features (the EAGLE family and PRISM), one shared runtime; index.ts's DRAFT_ARCHITECTURES has one entry each. */
export const FEATURE_DRAFTS: FeatureDraftMethod[] = [...FEATURE];
/** Every draft the engine trains (`prism-bench train drafts`). */
export const LEARNED_DRAFTS: LearnedDraftMethod[] = [...FEATURE_DRAFTS, 'medusa', 'standalone'];
/** Drafts that run no model: prompt lookup and suffix decoding. */
export const MODEL_FREE_DRAFTS = ['ngram', 'suffix'] as const;
export const REFERENCE_DRAFT_METHODS = ['vanilla', ...MODEL_FREE_DRAFTS, ...LEARNED_DRAFTS] as const;
export type ReferenceDraftMethod = (typeof REFERENCE_DRAFT_METHODS)[number];

/**
 * How a learned draft's weights are read per step (see learned.ts): `int8` per-column int8
 * projections and head with the fusion layers in fp32; `q8` / `q4` block-quantized; `fp32` as trained.
 */
export const DRAFT_PRECISIONS = ['int8', 'q8', 'q4', 'fp32'] as const;
export type DraftPrecision = (typeof DRAFT_PRECISIONS)[number];
