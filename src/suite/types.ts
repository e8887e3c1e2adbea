// Types of a benchmark suite: the raw input as written in suites/*.yaml (SuiteInput) and the
// validated form with every default filled in (Suite). Every engine x draft x dataset x
// temperature combination of a suite is one measured cell; `settings` are held identical
// across all cells so the drafts are compared fairly. The parts a result stores are `type`
// aliases, so they are assignable to its lenient stored schemas (src/result/stored.ts).

/** The only suite format version this code understands. */
export const SUITE_VERSION = 1;

/** Engine adapter ids a suite may name. `reference` is the embedded CPU engine. */
export const ENGINE_ADAPTERS = ['reference', 'sglang', 'vllm', 'trtllm'] as const;
export type EngineAdapter = (typeof ENGINE_ADAPTERS)[number];

/** Kinds of server `run --base-url` attaches to: an engine adapter's protocol, or a plain OpenAI-compatible API. */
export const ENDPOINT_KINDS = ['reference', 'sglang', 'vllm', 'trtllm', 'openai'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];
/** A server the harness attaches to instead of launching (run --base-url); no suite file names one. */
export type EndpointEngineName = `endpoint:${EndpointKind}`;

/** Draft methods a suite may name (vanilla = plain autoregressive decoding, no drafting). */
export const DRAFT_METHODS = ['vanilla', 'ngram', 'suffix', 'standalone', 'pard', 'medusa', 'eagle', 'eagle3', 'hass', 'hass2', 'prism', 'mtp', 'dflash'] as const;
export type DraftMethod = (typeof DRAFT_METHODS)[number];
export type LearnedDraftMethod = Exclude<DraftMethod, 'vanilla' | 'ngram' | 'suffix'>;
/** Drafts with no model: they propose what the text so far repeats (prompt lookup, suffix decoding). */
export const isModelFreeDraft = (method: string): boolean => method === 'ngram' || method === 'suffix';

/** Method-specific draft fields, per method; any other field on a draft is an error. */
export const DRAFT_METHOD_FIELDS: { readonly [M in DraftMethod]: readonly string[] } = {
  vanilla: [],
  ngram: ['draftedTokens', 'ngramMin', 'ngramMax'],
  standalone: ['model', 'steps', 'topK', 'verifiedTokens'],
  medusa: ['model', 'steps', 'topK', 'verifiedTokens'],
  eagle: ['model', 'steps', 'topK', 'verifiedTokens'],
  eagle3: ['model', 'steps', 'topK', 'verifiedTokens'],
  hass: ['model', 'steps', 'topK', 'verifiedTokens'],
  hass2: ['model', 'steps', 'topK', 'verifiedTokens'],
  prism: ['model', 'steps', 'topK', 'verifiedTokens', 'modules', 'stepMap'],
  /** the target's own multi-token-prediction layers (vLLM's mtp); model is optional */
  mtp: ['model', 'steps', 'topK', 'verifiedTokens'],
  /** suffix decoding: no model */
  suffix: ['draftedTokens', 'suffixMaxTreeDepth', 'suffixMaxCachedRequests', 'suffixMaxSpecFactor', 'suffixMinTokenProb'],
  /** a draft model trained to draft all its tokens in one pass (PARD) */
  pard: ['model', 'steps', 'topK', 'verifiedTokens'],
  /** a block drafter (DFlash): verifiedTokens is its block size */
  dflash: ['model', 'steps', 'topK', 'verifiedTokens'],
};

/** Prompt sets shipped in suites/prompts/<name>.jsonl. */
export const BUILTIN_DATASETS = ['chat', 'code', 'math', 'summarization', 'qa'] as const;
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number];

// ---------------------------------------------------------------------------------------------
// Validated suite (defaults applied)

export type Engine = {
  name: EngineAdapter | EndpointEngineName;
  /** display name; reports use `label ?? name` */
  label?: string;
  /** adapter-specific map, passed through untouched */
  options: Record<string, unknown>;
};

export type VanillaDraft = {
  name: string;
  method: 'vanilla';
};

export type NgramDraft = {
  name: string;
  method: 'ngram';
  /** tokens drafted per cycle, the root not counted (default 6; was draftTokens) */
  draftedTokens: number;
  /** shortest n-gram matched against the context (default 1) */
  ngramMin: number;
  /** longest n-gram matched against the context (default 4) */
  ngramMax: number;
};

/** Draft-model and tree methods; fields left out mean the engine's default. */
export type LearnedDraft = {
  name: string;
  method: LearnedDraftMethod;
  model?: string;
  steps?: number;
  topK?: number;
  /** tokens verified per cycle, the root included (SGLang's num_draft_tokens; was draftTokens): a chain of s steps verifies s + 1 */
  verifiedTokens?: number;
  /** PRISM: parameter sets used (M) and the module for each draft step (step 0 = extend pass) */
  modules?: number;
  stepMap?: number[];
};

/** Suffix decoding: no model; fields left out mean the engine's default (the reference engine's: SUFFIX_DEFAULTS in its contract). */
export type SuffixDraft = {
  name: string;
  method: 'suffix';
  /** most tokens drafted per cycle, the root not counted (vLLM's num_speculative_tokens) */
  draftedTokens?: number;
  /** longest substring the suffix trees hold, match and continuation together (vLLM's suffix_decoding_max_tree_depth) */
  suffixMaxTreeDepth?: number;
  /** earlier requests' outputs kept in the global tree, oldest dropped first; 0 = none (suffix_decoding_max_cached_requests) */
  suffixMaxCachedRequests?: number;
  /** tokens proposed at most per matched token (suffix_decoding_max_spec_factor) */
  suffixMaxSpecFactor?: number;
  /** candidates whose estimated probability is below this are not proposed (suffix_decoding_min_token_prob) */
  suffixMinTokenProb?: number;
};

export type Draft = VanillaDraft | NgramDraft | SuffixDraft | LearnedDraft;

/** A dataset reference: a built-in set (no path) or a question.jsonl file. */
export type DatasetRef = {
  name: string;
  /** path to a question.jsonl, relative to the suite file's folder (absent = built-in set) */
  path?: string;
};

export type Settings = {
  /** target model id the engine serves */
  target: string;
  temperatures: number[];
  topP: number;
  /** -1 = disabled */
  topK: number;
  maxNewTokens: number;
  ignoreEos: boolean;
  /** concurrent requests */
  batchSize: number;
  /** first N prompts of each dataset; null = all */
  prompts: number | null;
  seed: number;
  /** warmup requests per cell, discarded */
  warmup: number;
  trials: number;
  /** cap on trials when --target-ci or --target-mde add them */
  maxTrials: number;
  /**
   * 'round': every round launches each engine afresh (launch-to-launch variation lands in the
   * trials, as it would between runs); 'run': each engine starts once and serves all rounds
   * (no relaunch cost; for suites of many short rounds such as the paired gate suite)
   */
  engineLifetime: 'round' | 'run';
  /**
   * CPUs every engine process is confined to (taskset), the same for all engines so that no two
   * are compared on different CPUs: a list of CPU numbers, 'last' (the machine's last CPU), or
   * null (wherever the OS puts them)
   */
  engineCpus: 'last' | number[] | null;
  /**
   * 'trial': each engine runs a cell's trial in one go, the engines of a draft back to back;
   * 'request': the engines of a draft are up together and take the trial's prompts in turn
   * (A B B A ...), so a machine that speeds up or slows down within seconds lands on both
   */
  interleave: 'trial' | 'request';
};

/** What `quick:` may override: any subset of settings, plus the dataset list. */
export type QuickOverrides = Partial<Settings> & { datasets?: DatasetRef[] };

/**
 * `run`'s command-line overrides (--prompts, --trials, ...): settings applied after the suite's
 * own (and after quick), and selections by name from the suite's lists.
 */
export type SuiteOverrides = Partial<Pick<Settings, 'prompts' | 'trials' | 'seed' | 'maxNewTokens' | 'temperatures'>> & {
  drafts?: string[];
  datasets?: string[];
  engines?: string[];
};

export interface Suite {
  version: typeof SUITE_VERSION;
  name: string;
  description: string;
  engines: Engine[];
  drafts: Draft[];
  /** datasets in effect (the quick list when quick overrides were applied) */
  datasets: DatasetRef[];
  /** settings in effect (quick overrides already applied when quickApplied) */
  settings: Settings;
  /** the validated quick block (defaults filled in when the file has none) */
  quick: QuickOverrides;
  quickApplied: boolean;
  /** the command-line overrides applied (absent when none were given) */
  overrides?: SuiteOverrides;
  /** absolute path of the suite file */
  file: string;
  /** absolute folder of the suite file; dataset paths resolve against it */
  dir: string;
}

/** Plain JSON form of a suite as it ran, stored in results (see suiteAsRun). */
export type SuiteAsRun = {
  version: number;
  name: string;
  description: string;
  /** suite file path as shown to the user (relative to the cwd when inside it) */
  file: string;
  quickApplied: boolean;
  /** the command-line overrides applied, as given */
  overrides?: SuiteOverrides;
  engines: Engine[];
  drafts: Draft[];
  datasets: DatasetRef[];
  settings: Settings;
};

// ---------------------------------------------------------------------------------------------
// Raw input, as parsed from YAML/JSON before validation. Types are the intended ones; the
// loader checks every value, so anything may actually arrive here.

export interface EngineInput {
  name?: string;
  label?: string;
  options?: Record<string, unknown>;
}

export interface DraftInput {
  name?: string;
  method?: string;
  /** learned drafts: tokens verified per cycle, the root included */
  verifiedTokens?: number;
  /** ngram: tokens drafted per cycle, the root not counted */
  draftedTokens?: number;
  ngramMin?: number;
  ngramMax?: number;
  suffixMaxTreeDepth?: number;
  suffixMaxCachedRequests?: number;
  suffixMaxSpecFactor?: number;
  suffixMinTokenProb?: number;
  steps?: number;
  topK?: number;
  model?: string;
  modules?: number;
  stepMap?: number[];
}

export type DatasetRefInput = string | { name?: string; path?: string };

export type SettingsInput = { [K in keyof Settings]?: Settings[K] | null };

export type QuickInput = SettingsInput & { datasets?: DatasetRefInput[] };

export interface SuiteInput {
  version?: number;
  name?: string;
  description?: string;
  engines?: EngineInput[];
  drafts?: DraftInput[];
  datasets?: DatasetRefInput[];
  settings?: SettingsInput;
  quick?: QuickInput;
}

// ---------------------------------------------------------------------------------------------
// Datasets

export interface Prompt {
  /** question_id as a string */
  id: string;
  /** the line's category, or the dataset name when the line has none */
  category: string;
  /** one entry per conversation turn (MT-bench has two) */
  turns: string[];
}

export interface Dataset {
  name: string;
  /** 'builtin' for suites/prompts sets, else the absolute path of the question.jsonl */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'builtin' documents the one fixed value
  source: 'builtin' | string;
  /** absolute path of the file read */
  file: string;
  prompts: Prompt[];
}
