// Public API of the suite module: suite files (suites/*.yaml) and prompt sets.
export * from './types.ts';
export { SuiteError, displayPath } from './errors.ts';
export { DEFAULT_QUICK, DEFAULT_SETTINGS, NGRAM_DEFAULTS, validateSuite, type SuiteSource, type ValidateOptions } from './schema.ts';
export { loadSuite, suiteAsRun, suiteSettingsDiff, type LoadSuiteOptions } from './load.ts';
export {
  PACKAGE_ROOT, PROMPTS_DIR, builtinDatasetFile, isBuiltinDataset, loadDataset, loadSuiteDatasets, parseQuestions,
  type LoadDatasetOptions,
} from './datasets.ts';
