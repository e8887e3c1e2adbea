// What prism-bench's harness may know of the reference engine besides its HTTP protocol: the
// names of its draft methods and weight precisions, suffix decoding's defaults, the tree size a learned draft's shape
// gives, the check of a learned draft's files before launch, where the shipped models live,
// the target's architecture and the drafts' training budget (which `prism-bench train` shows),
// the prompt template both sides build transcripts with, SGLang's /generate field lists and
// the engine's error base. The harness imports nothing else of the package (the `serve` and
// `train` commands load its main entry, as they run the engine); scripts/check-imports.mjs
// enforces that.
export { REFERENCE_DRAFT_METHODS, LEARNED_DRAFTS, FEATURE_DRAFTS, DRAFT_PRECISIONS, type ReferenceDraftMethod, type DraftPrecision } from './drafts/methods.ts';
export { checkLearnedDraft, isLearnedDraft, isFeatureDraft } from './drafts/check.ts';
export { DraftConfigError } from './drafts/draft-files.ts';
export { maxTreeNodes } from './drafts/types.ts';
export { SUFFIX_DEFAULTS, type SuffixOptions } from './drafts/suffix.ts';
export type { LearnedDraftMethod, FeatureDraftMethod } from './model/draft-config.ts';
export { DRAFT_TRAINING, DRAFTS_DIR, type DraftTraining } from './model/draft-config.ts';
export { TARGET_CONFIG, TARGET_TRAINING, MODELS_DIR, TOKENIZER_PATH, TARGET_DIR, type DecoderConfig } from './model/config.ts';
export { questionAnswerPrompt } from './prompt.ts';
export { TOP_LEVEL_IMPLEMENTED, SAMPLING_IMPLEMENTED, TOP_LEVEL_CAPABILITIES, SAMPLING_CAPABILITIES, type CapabilityField } from './server/sglang-fields.ts';
export { ReferenceEngineError } from './errors.ts';
