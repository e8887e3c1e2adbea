// The reference engine's main entry: the server (`prism-bench serve` runs it in a process of its
// own), the trainers behind `prism-bench train`, and the tokenizer. What the harness may read
// without running the engine is in ./contract; where the engine finds its files, in ./files.
export * from './contract.ts';
export { serve, DEFAULT_TARGET_THREADS, type ServeOptions } from './server/main.ts';
export { DRAFT_METHODS, type DraftMethod } from './server/engine.ts';
export { Tokenizer } from './model/tokenizer.ts';
export { trainTarget, type TrainTargetOptions, type TrainEvent } from './train/target.ts';
export { trainDrafts, type TrainDraftsOptions, type DraftTrainEvent } from './train/drafts.ts';
export { trainTokenizer } from './train/tokenizer.ts';
export { assembleCorpus } from './train/corpus.ts';
export type { TrainDevice } from './train/trainer-process.ts';
export { choosePython, NoPythonError, type PythonChoice, type PythonNeed } from './train/python.ts';
export { builderSourcesHash } from './kernels/onnx/graph-cache.ts';
export { setInstallRoot, installRoot, engineFile, type EngineFiles } from './files.ts';
export { measureCosts, type CostMeasurement, type MeasureOptions, type MeasuredDraft } from './profile/measure.ts';
