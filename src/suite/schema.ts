// The suite file's schema, in zod: what each key accepts, its default and its one-line message
// when wrong. Structure (types, ranges, names, which keys a draft method takes) is the zod schema,
// also published as JSON Schema (`prism-bench schema suite`, schemas/suite.schema.json) so
// editors check suite files; the rules JSON Schema cannot state (names unique, ngramMax >=
// ngramMin, dataset files present, maxTrials >= trials) follow it in code. The first mistake
// becomes a one-line SuiteError naming the file, the path inside it and the fix.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { SuiteError, closest, describe, displayPath } from './errors.ts';
import { normaliseLegacy } from './legacy.ts';
import { isRecord } from '../record.ts';
import {
  BUILTIN_DATASETS, DRAFT_METHODS, DRAFT_METHOD_FIELDS, ENGINE_ADAPTERS, SUITE_VERSION,
  type DatasetRef, type Draft, type DraftMethod, type Engine, type LearnedDraftMethod, type NgramDraft,
  type QuickOverrides, type Settings, type Suite,
} from './types.ts';

/** Settings used for every key the suite leaves out. maxTrials defaults to max(10, trials). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  target: 'reference-target',
  temperatures: [0],
  topP: 1,
  topK: -1,
  maxNewTokens: 128,
  ignoreEos: false,
  batchSize: 1,
  prompts: null,
  seed: 1234,
  warmup: 2,
  trials: 3,
  maxTrials: 10,
  engineLifetime: 'round',
  engineCpus: null,
  interleave: 'trial',
});

/** The quick block used when the suite file has none. */
export const DEFAULT_QUICK: Readonly<QuickOverrides> = Object.freeze({ prompts: 3, maxNewTokens: 32, trials: 2, warmup: 1 });

/** Defaults of the ngram draft's fields. */
export const NGRAM_DEFAULTS = Object.freeze({ draftedTokens: 6, ngramMin: 1, ngramMax: 4 });

/** Bounds that keep a mistyped number from starting a run that would never end. */
export const LIMITS = Object.freeze({ trials: 1000, warmup: 1000, batchSize: 1024, maxNewTokens: 1_000_000, prompts: 1_000_000 });

export const TOP_LEVEL_KEYS = ['version', 'name', 'description', 'engines', 'drafts', 'datasets', 'settings', 'quick'] as const;
export const ENGINE_KEYS = ['name', 'label', 'options'] as const;
export const DATASET_KEYS = ['name', 'path'] as const;
export const SETTINGS_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];
export const QUICK_KEYS = [...SETTINGS_KEYS, 'datasets'] as const;

/**
 * The longest name or label, in characters. Each becomes part of a file or folder name: the run
 * directory results/<time>-<suite> (-sweep), each engine's logs/<label>_<draft>-r<round>-<stamp>.log
 * and trtllm's .llm-api-options.yaml beside it. A file system takes at most 255 bytes per name
 * (NAME_MAX), so an engine label and a draft name together, with the fixed parts, stay under it.
 */
export const NAME_MAX_CHARS = 100;
const tooLong = (n: number) => say(`${n} characters: it becomes part of file and folder names, which the file system caps at 255 bytes`, `shorten {key} to at most ${NAME_MAX_CHARS} characters`);

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SAFE_NAME_RULE = "letters, digits, '-', '_' or '.', starting with a letter or digit";
const list = (xs: readonly string[]) => xs.join(', ');

// ---------------------------------------------------------------------------------------------
// Messages. A custom zod error is `problem SEP fix`; `{key}` in it is replaced by the last key of
// the path where the issue was found (e.g. `maxNewTokens`, `temperatures[1]`).

const SEP = '\u001f';
/** A custom zod error message: problem and fix, `{key}` standing for the field's name. */
export const say = (problem: string, fix: string) => `${problem}${SEP}${fix}`;
interface RawIssue { code?: string; input?: unknown }
type ErrorFn = (iss: RawIssue) => string | undefined;

/** An integer field: `expected an integer >= min, got ...`; above `max`, says the bound. */
export function intField(min: number, example: number, max?: number, maxWhy?: string) {
  const error: ErrorFn = (iss) => {
    const v = iss.input;
    if (max !== undefined && typeof v === 'number' && v > max && Number.isFinite(v)) {
      return say(`expected an integer <= ${max}${maxWhy ? ` (${maxWhy})` : ''}, got ${describe(v)}`, `set {key} to a whole number such as ${example}`);
    }
    return say(`expected an integer >= ${min}, got ${describe(v)}`, `set {key} to a whole number such as ${example}`);
  };
  const s = z.int({ error }).min(min, { error });
  return max === undefined ? s : s.max(max, { error });
}

/** A number field within [min, max]. */
function fractionField(min: number, max: number, example: number) {
  const error: ErrorFn = (iss) => say(`expected a number from ${min} to ${max}, got ${describe(iss.input)}`, `set {key} to a number such as ${example}`);
  return z.number({ error }).min(min, { error }).max(max, { error });
}

/** A non-empty string field. */
export function textField(example: string) {
  const error: ErrorFn = (iss) => say(`expected a non-empty string, got ${describe(iss.input)}`, `set {key} to some text, such as ${example}`);
  return z.string({ error }).refine((s) => s.trim() !== '', { error });
}

/** A name used in reports and file names. */
function nameField(example: string) {
  return textField(example).refine((s) => s.length <= NAME_MAX_CHARS, { error: (iss) => tooLong(String(iss.input).length), abort: true }).refine((s) => SAFE_NAME.test(s), {
    error: (iss) => say(`${JSON.stringify(iss.input)} is not a usable name`, `use only ${SAFE_NAME_RULE}, such as ${example}`),
  });
}

/** One of a fixed set of words; suggests the closest on a typo. */
export function wordField<const T extends readonly [string, ...string[]]>(words: T, what: string, missing?: string) {
  return z.enum(words, {
    error: (iss) => {
      const v = iss.input;
      if (v === undefined && missing) return say(`missing ${what}`, missing);
      const guess = typeof v === 'string' ? closest(v, words) : undefined;
      return say(`unknown ${what} ${describe(v)}`, `${guess ? `did you mean ${guess}? ` : ''}set {key} to one of: ${list(words)}`);
    },
  });
}

/** Error for a mapping (object) in the wrong shape; unknown keys are reported by the formatter. */
export function mappingError(example: string, missing?: [string, string]): ErrorFn {
  return (iss) => {
    if (iss.code === 'unrecognized_keys') return undefined;
    if (iss.input === undefined && missing) return say(missing[0], missing[1]);
    return say(`expected a mapping, got ${describe(iss.input)}`, `write {key} as a mapping, such as ${example}`);
  };
}

/** A non-empty list. */
function listField<T extends z.ZodType>(item: T, what: string, example: string, missing?: [string, string]) {
  return z.array(item, {
    error: (iss) => (iss.input === undefined && missing ? say(missing[0], missing[1]) : say(`expected a list of ${what}, got ${describe(iss.input)}`, `write {key} as a list, such as ${example}`)),
  }).min(1, { error: () => say(`expected at least one ${what.replace(/s$/, '')}, got an empty list`, `add an entry, such as ${example}`) });
}

// ---------------------------------------------------------------------------------------------
// The schema

const topKError: ErrorFn = (iss) => say(`expected -1 (disabled) or an integer >= 1, got ${describe(iss.input)}`, 'set topK to -1 to disable top-k sampling, or to a whole number such as 50');

const engineCpusError: ErrorFn = (iss) => say(`expected 'last', a list of CPU numbers or null, got ${describe(iss.input)}`, "set engineCpus to last (the machine's last CPU), a list such as [1], or null (no pinning)");

export const SETTING_SCHEMAS = {
  target: textField('reference-target').meta({ description: 'target model id the engines serve', default: DEFAULT_SETTINGS.target }),
  temperatures: listField(
    z.number({ error: (iss) => say(`expected a number >= 0, got ${describe(iss.input)}`, 'set {key} to a number >= 0, such as 0 (greedy) or 1') })
      .min(0, { error: (iss) => say(`expected a number >= 0, got ${describe(iss.input)}`, 'set {key} to a number >= 0, such as 0 (greedy) or 1') }),
    'temperatures', '[0, 1]',
  ).meta({ description: 'sampling temperatures, distinct; each makes its own cells (0 = greedy)', default: DEFAULT_SETTINGS.temperatures }),
  topP: z.number({ error: (iss) => say(`expected a number above 0 and at most 1, got ${describe(iss.input)}`, 'set topP to a number in (0, 1], such as 1.0 (disabled)') })
    .gt(0, { error: (iss) => say(`expected a number above 0 and at most 1, got ${describe(iss.input)}`, 'set topP to a number in (0, 1], such as 1.0 (disabled)') })
    .max(1, { error: (iss) => say(`expected a number above 0 and at most 1, got ${describe(iss.input)}`, 'set topP to a number in (0, 1], such as 1.0 (disabled)') })
    .meta({ description: 'nucleus sampling; 1 = disabled', default: DEFAULT_SETTINGS.topP }),
  topK: z.union([z.literal(-1, { error: topKError }), z.int({ error: topKError }).min(1, { error: topKError })], { error: topKError }).meta({ description: 'top-k sampling; -1 = disabled', default: DEFAULT_SETTINGS.topK }),
  maxNewTokens: intField(1, 128, LIMITS.maxNewTokens).meta({ description: 'tokens generated per request (per turn); the engine checks it against its context', default: DEFAULT_SETTINGS.maxNewTokens }),
  ignoreEos: z.boolean({ error: (iss) => say(`expected true or false, got ${describe(iss.input)}`, 'set ignoreEos to true or false (unquoted)') })
    .meta({ description: 'keep generating past end-of-sequence up to maxNewTokens', default: DEFAULT_SETTINGS.ignoreEos }),
  batchSize: intField(1, 1, LIMITS.batchSize).meta({ description: 'concurrent requests', default: DEFAULT_SETTINGS.batchSize }),
  prompts: intField(1, 20, LIMITS.prompts).nullable().meta({ description: 'first N prompts of each dataset; null = all', default: null }),
  seed: intField(0, 1234).meta({ description: 'sampling seed', default: DEFAULT_SETTINGS.seed }),
  warmup: intField(0, 2, LIMITS.warmup, 'warmup requests per cell').meta({ description: 'warmup requests per cell, discarded', default: DEFAULT_SETTINGS.warmup }),
  trials: intField(1, 3, LIMITS.trials, 'the most trials a run may have').meta({ description: 'measured repetitions per cell', default: DEFAULT_SETTINGS.trials }),
  maxTrials: intField(1, 10, LIMITS.trials, 'the most trials a run may have').meta({ description: 'cap when --target-ci or --target-mde add trials; default max(10, trials)' }),
  engineLifetime: z.enum(['round', 'run'], {
    error: (iss) => say(`expected round or run, got ${describe(iss.input)}`, 'set engineLifetime to round (relaunch every engine each round) or run (start each engine once)'),
  }).meta({ description: 'round: every round launches each engine afresh; run: each engine starts once and serves every round', default: DEFAULT_SETTINGS.engineLifetime }),
  engineCpus: z.union([
    z.literal('last', { error: engineCpusError }),
    listField(z.int({ error: engineCpusError }).min(0, { error: engineCpusError }), 'CPU numbers', '[1]'),
  ], { error: engineCpusError }).nullable()
    .meta({ description: "CPUs every engine process is confined to (taskset), the same for all: a list of CPU numbers, 'last' (the machine's last CPU) or null (no pinning)", default: null }),
  interleave: z.enum(['trial', 'request'], {
    error: (iss) => say(`expected trial or request, got ${describe(iss.input)}`, 'set interleave to trial (each engine runs its trial in one go) or request (the engines of a draft take the prompts in turn)'),
  }).meta({ description: "trial: the engines of a draft run each cell's trial back to back; request: they are up together and take the trial's prompts in turn (A B B A ...); request needs batchSize 1", default: DEFAULT_SETTINGS.interleave }),
} satisfies { [K in keyof Settings]: z.ZodType };

// why: Object.fromEntries forgets the keys; the mapped type restores what the map did to each
const settingsShape = Object.fromEntries(Object.entries(SETTING_SCHEMAS).map(([k, s]) => [k, s.optional()])) as {
  [K in keyof Settings]: z.ZodOptional<(typeof SETTING_SCHEMAS)[K]>
};

const datasetSchema = z.union([
  z.string({ error: (iss) => say(`expected a dataset name or a mapping, got ${describe(iss.input)}`, 'write a built-in name such as chat, or {name: mt_bench, path: path/to/question.jsonl}') })
    .meta({ description: `a built-in set (${list(BUILTIN_DATASETS)}) or, in quick, a dataset of the top-level list` }),
  z.strictObject({
    name: nameField('mt_bench').meta({ description: 'label in reports' }),
    path: textField('path/to/question.jsonl').optional().meta({ description: 'question.jsonl, relative to the suite file\'s folder; without it, name must be a built-in set' }),
  }, { error: mappingError('{name: mt_bench, path: path/to/question.jsonl}') }),
]);
const datasetsSchema = listField(datasetSchema, 'datasets', '[chat, code]');

const engineSchema = z.strictObject({
  name: wordField(ENGINE_ADAPTERS, 'engine adapter', `add name: one of ${list(ENGINE_ADAPTERS)}`).meta({ description: 'engine adapter' }),
  label: textField('reference-a').refine((s) => s.length <= NAME_MAX_CHARS, { error: (iss) => tooLong(String(iss.input).length) }).optional().meta({ description: 'display name in reports; tells two engines of one adapter apart' }),
  options: z.record(z.string(), z.unknown(), { error: mappingError('{model: models/target}') }).optional()
    .meta({ description: 'adapter-specific options, checked by the adapter before anything launches' }),
}, { error: mappingError('{name: reference}') });

const draftName = (method: string) => nameField(method).optional().meta({ description: `label in reports, unique in the suite (default: ${method})` });
const draftFields = {
  model: textField('models/my-draft').optional().meta({ description: 'draft model (path or id); the reference engine loads its shipped drafts' }),
  steps: intField(1, 5).optional().meta({ description: 'draft steps (tree depth) per cycle' }),
  topK: intField(1, 8).optional().meta({ description: 'branches kept per step of the draft tree' }),
  verifiedTokens: intField(1, 16).optional().meta({ description: 'tokens verified per cycle, the root included (SGLang\'s num_draft_tokens): a chain of s steps verifies s + 1 (was draftTokens)' }),
};
const methodLiteral = <M extends DraftMethod>(m: M) => z.literal(m).meta({ description: 'draft method' });
const draftObject = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape, { error: mappingError('{name: ngram, method: ngram}') });
const LEARNED = DRAFT_METHODS.filter((m): m is Exclude<LearnedDraftMethod, 'prism'> => m !== 'vanilla' && m !== 'ngram' && m !== 'suffix' && m !== 'prism');
const draftSchema = z.discriminatedUnion('method', [
  draftObject({ name: draftName('vanilla'), method: methodLiteral('vanilla') }).meta({ description: 'plain autoregressive decoding: the baseline' }),
  draftObject({
    name: draftName('ngram'), method: methodLiteral('ngram'),
    draftedTokens: intField(1, 6).optional().meta({ description: 'tokens drafted per cycle, the root not counted (was draftTokens)', default: NGRAM_DEFAULTS.draftedTokens }),
    ngramMin: intField(1, 1).optional().meta({ description: 'shortest n-gram looked up in the context', default: NGRAM_DEFAULTS.ngramMin }),
    ngramMax: z.int({ error: (iss) => say(`expected an integer >= ngramMin, got ${describe(iss.input)}`, 'set {key} to a whole number such as 4') }).optional()
      .meta({ description: 'longest n-gram looked up (>= ngramMin)', default: NGRAM_DEFAULTS.ngramMax }),
  }).meta({ description: 'prompt-lookup drafting' }),
  draftObject({
    name: draftName('suffix'), method: methodLiteral('suffix'),
    draftedTokens: intField(1, 6, 64).optional().meta({ description: "most tokens drafted per cycle, the root not counted (default: the engine's; the reference engine's 6)" }),
    suffixMaxTreeDepth: intField(2, 24, 256).optional().meta({ description: "longest substring the suffix trees hold, the match and its continuation together (default: the engine's; the reference engine's 24)" }),
    suffixMaxCachedRequests: intField(0, 256, 100_000).optional().meta({ description: "earlier requests' outputs kept in the global tree, the oldest dropped first; 0: the request's own tree only (default: the engine's; the reference engine's 256)" }),
    suffixMaxSpecFactor: fractionField(0.01, 64, 1).optional().meta({ description: "tokens proposed at most per matched token (default: the engine's; the reference engine's 1)" }),
    suffixMinTokenProb: fractionField(0, 1, 0.1).optional().meta({ description: "candidates whose estimated probability (count ratios along the path) is below this are not proposed (default: the engine's; the reference engine's 0.1)" }),
  }).meta({ description: 'suffix decoding: counted continuations of the prompt, the output so far and earlier requests\' outputs, no model' }),
  ...LEARNED.map((m) => draftObject({ name: draftName(m), method: methodLiteral(m), ...draftFields })),
  draftObject({
    name: draftName('prism'), method: methodLiteral('prism'), ...draftFields,
    modules: intField(1, 2).optional().meta({ description: 'PRISM\'s M: parameter sets used' }),
    stepMap: listField(intField(0, 0), 'module indices', '[0, 1]').optional().meta({ description: 'module run at each draft step (step 0 = extend pass); the last repeats' }),
  }),
  // why: zod raises invalid_type here (not a mapping) though the union's issue type leaves that code out
], { error: (iss) => ((iss.code as string) === 'invalid_type' ? mappingError('{name: ngram, method: ngram}')(iss) : undefined) });

const quickShape = { ...settingsShape, datasets: datasetsSchema.optional() };

/**
 * The suite schema. `engineOptions` maps an adapter to the schema of its options, for the
 * published JSON Schema (validation runs the adapter's schema in its own check, before launch).
 */
export function suiteSchema(engineOptions: Partial<Record<string, z.ZodType>> = {}) {
  if (!Object.keys(engineOptions).length) return suiteObject(engineSchema);
  const [first, ...rest] = ENGINE_ADAPTERS.map((name) => engineSchema.extend({
    name: z.literal(name),
    ...(engineOptions[name] ? { options: engineOptions[name].optional() } : {}),
  }));
  return suiteObject(z.discriminatedUnion('name', [first!, ...rest]));
}

function suiteObject<E extends z.ZodType>(engines: E) {
  return z.strictObject({
    version: z.literal(SUITE_VERSION, {
      error: (iss) => say(`unsupported suite format version ${describe(iss.input)}`, `set version: ${SUITE_VERSION} (the only version this prism-bench understands)`),
    }).optional().meta({ description: 'suite format version' }),
    name: nameField('default').optional().meta({ description: 'suite name in reports and result files (default: the file name)' }),
    description: z.string({ error: (iss) => say(`expected text, got ${describe(iss.input)}`, 'set description to some text (quote it if it contains a colon)') }).optional(),
    engines: listField(engines, 'engines', '`- name: reference`', ['missing', 'add engines: with at least one entry, such as `- name: reference`']),
    drafts: listField(draftSchema, 'drafts', '`- {name: vanilla, method: vanilla}`', ['missing', 'add drafts: with at least one entry, such as `- {name: vanilla, method: vanilla}`']),
    datasets: datasetsSchema.optional().meta({ description: `datasets (default: all built-in sets: ${list(BUILTIN_DATASETS)})` }),
    settings: z.strictObject(settingsShape, { error: mappingError('{temperatures: [0], maxNewTokens: 128}') }).optional()
      .meta({ description: 'settings held identical across every cell' }),
    quick: z.strictObject(quickShape, { error: mappingError('{prompts: 3, maxNewTokens: 32}') }).optional()
      .meta({ description: 'overrides applied by --quick (replaces the default quick block entirely)' }),
  }, { error: mappingError('engines:, drafts:, datasets:, settings:') }).meta({
    title: 'prism-bench suite',
    description: 'A prism-bench suite file: engines x drafts x datasets x temperatures, under identical settings (docs/suite-format.md).',
  });
}

const SUITE_SCHEMA = suiteObject(engineSchema);

/** A suite document as the schema lets it through (before defaults and cross-field rules). */
type SuiteDocument = z.infer<typeof SUITE_SCHEMA>;
type DatasetDocument = z.infer<typeof datasetSchema>;

// ---------------------------------------------------------------------------------------------
// From a zod issue to file, path, problem and fix

export interface Problem { path: string; problem: string; fix: string }

type Seg = PropertyKey;
const pathText = (segs: readonly Seg[], prefix = '') =>
  segs.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), prefix);
/** the last key of a path, for "set X to ..." fixes */
const keyOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);
/** What a list holds at a number, or a mapping at a key; undefined for anything else. */
const child = (d: unknown, k: Seg): unknown => (Array.isArray(d) ? d[Number(k)] : isRecord(d) ? d[String(k)] : undefined);
const valueAt = (data: unknown, segs: readonly Seg[]) => segs.reduce<unknown>(child, data);

/** The schema under wrappers (optional, nullable, default, pipe) and, in a union, the branch that fits `d`. */
function settle(schema: z.core.$ZodType, d: unknown): z.core.$ZodType | undefined {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault
      || s instanceof z.ZodReadonly || s instanceof z.ZodCatch) s = s.def.innerType;
    else if (s instanceof z.ZodPipe) s = s.def.in;
    else if (s instanceof z.ZodUnion) {
      const disc = s instanceof z.ZodDiscriminatedUnion ? s.def.discriminator : undefined;
      const pick = s.def.options.find((o) => {
        if (!(o instanceof z.ZodObject) || !isRecord(d)) return false;
        if (disc === undefined) return true;
        const lit: unknown = o.shape[disc];
        return lit instanceof z.ZodLiteral && [...lit.values].some((v) => v === d[disc]);
      });
      if (!pick) return undefined;
      s = pick;
    } else return s;
  }
}

/** The object schema that validated `data` at `segs` (following optional, unions and arrays). */
function objectAt(schema: z.ZodType, segs: readonly Seg[], data: unknown): z.ZodObject | undefined {
  let s = settle(schema, data);
  let d = data;
  for (const seg of segs) {
    d = child(d, seg);
    const next: unknown = s instanceof z.ZodObject ? s.shape[String(seg)] : s instanceof z.ZodArray ? s.element : undefined;
    if (!(next instanceof z.ZodType)) return undefined;
    s = settle(next, d);
  }
  return s instanceof z.ZodObject ? s : undefined;
}

const ALL_DRAFT_FIELDS = [...new Set(Object.values(DRAFT_METHOD_FIELDS).flat())];

/** Where a set of keys lives, in words: `at the top level`, `in settings`, `for method ngram`. */
function keysWhere(segs: readonly Seg[], data: unknown, prefix: string, where?: string): string {
  if (where && segs.length === 0) return where;
  const full = pathText(segs, prefix);
  if (!full) return 'at the top level';
  const parent = segs.length ? segs[segs.length - 2] : undefined;
  if (typeof segs[segs.length - 1] === 'number') {
    if (parent === 'drafts') return `for method ${String(child(valueAt(data, segs), 'method'))}`;
    if (parent === 'engines') return 'in an engine';
    if (parent === 'datasets') return 'in a dataset';
  }
  return `in ${full}`;
}

/**
 * The first issue of a failed zod parse as path, problem and fix. `data` is what was parsed;
 * `prefix` is where it sits in the file (e.g. `engines[0].options`); `where` describes its keys.
 */
export function firstProblem(schema: z.ZodType, error: z.ZodError, data: unknown, prefix = '', where?: string): Problem {
  return issueProblem(schema, pickIssue(error.issues), data, prefix, where);
}

/** The issue to report: the first, unless a misspelt key in a mapping around it explains it. */
function pickIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  // a misspelt key also makes its real name "missing" (`nam:` for `name:`): the typo is the news
  const head = issues[0]!;
  return issues.find((i) => i.code === 'unrecognized_keys' && i.path.length <= head.path.length && i.path.every((k, n) => head.path[n] === k)) ?? head;
}

function issueProblem(schema: z.ZodType, issue: z.core.$ZodIssue, data: unknown, prefix: string, where?: string): Problem {
  const segs = issue.path;
  const path = pathText(segs, prefix);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const at = pathText([...segs, key], prefix);
    const parent = segs[segs.length - 2];
    const obj = valueAt(data, segs);
    if (parent === 'drafts' && isRecord(obj) && ALL_DRAFT_FIELDS.includes(key)) {
      const users = DRAFT_METHODS.filter((m) => DRAFT_METHOD_FIELDS[m].includes(key));
      return { path: at, problem: `not allowed for method ${String(obj.method)}`, fix: `remove ${key} (it applies only to method${users.length > 1 ? 's' : ''} ${list(users)})` };
    }
    const allowed = Object.keys(objectAt(schema, segs, data)?.shape ?? {});
    const guess = closest(key, allowed);
    return { path: at, problem: 'unknown key', fix: `${guess ? `did you mean ${guess}? ` : ''}allowed keys ${keysWhere(segs, data, prefix, where)} are: ${list(allowed)}` };
  }
  if (issue.code === 'invalid_union') {
    const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; note?: string };
    if (u.discriminator) {
      const v = valueAt(data, segs);
      // why: zod puts the discriminator's values on the issue without declaring them in its type
      const words = (u as unknown as { options?: string[] }).options ?? [];
      const what = u.discriminator === 'method' ? 'draft method' : u.discriminator;
      if (v === undefined) return { path, problem: `missing ${what}`, fix: `add ${u.discriminator}: one of ${list(words)}` };
      const guess = typeof v === 'string' ? closest(v, words) : undefined;
      return { path, problem: `unknown ${what} ${describe(v)}`, fix: `${guess ? `did you mean ${guess}? ` : ''}set ${u.discriminator} to one of: ${list(words)}` };
    }
    // a plain union (a dataset: a name or a mapping): the branch that got furthest speaks
    const branches = u.errors.filter((b) => b.length > 0);
    const deep = branches.find((b) => !(b[0]!.path.length === 0 && b[0]!.code === 'invalid_type'));
    const branch = deep ?? branches[branches.length - 1];
    if (branch) {
      const inner = pickIssue(branch);
      return issueProblem(schema, { ...inner, path: [...segs, ...inner.path] } as z.core.$ZodIssue, data, prefix, where);
    }
  }
  const [problem = issue.message, fix = 'see docs/suite-format.md'] = issue.message.includes(SEP) ? issue.message.split(SEP) : [];
  const key = keyOf(path);
  return { path: path || '(document)', problem: problem.replaceAll('{key}', key), fix: fix.replaceAll('{key}', key) };
}

// ---------------------------------------------------------------------------------------------
// Validation: the schema, then the rules across fields

/** Where the document came from, for messages and for resolving dataset paths. */
export interface SuiteSource {
  /** absolute path of the suite file */
  file: string;
  /** absolute folder dataset paths resolve against */
  dir: string;
}

export interface ValidateOptions {
  /** apply the quick block */
  quick?: boolean;
  /** settings from the command line, applied last (after quick); see overrides.ts */
  overrides?: Partial<Settings>;
}

/** The `run` flag of each setting the command line may override; messages about them name the flag. */
export const OVERRIDE_FLAGS = {
  prompts: '--prompts', trials: '--trials', seed: '--seed', maxNewTokens: '--max-new-tokens', temperatures: '--temperatures',
} as const satisfies Partial<Record<keyof Settings, string>>;

const flagOf = (k: keyof Settings): string | undefined => (OVERRIDE_FLAGS as Partial<Record<keyof Settings, string>>)[k];

class Checker {
  readonly shown: string;
  constructor(readonly src: SuiteSource) {
    this.shown = displayPath(src.file);
  }

  fail(path: string, problem: string, fix: string): never {
    throw new SuiteError(this.shown, path, problem, fix);
  }
}

/**
 * Merges defaults < settings < top (the quick block, or quick and command-line overrides) and checks
 * the cross-field rules, blaming the right key: `over` holds the keys that came from the command line.
 */
function mergeSettings(c: Checker, base: Partial<Settings>, top?: Partial<Settings>, over: Partial<Settings> = {}): Settings {
  const merged: Settings = { ...DEFAULT_SETTINGS, temperatures: [...DEFAULT_SETTINGS.temperatures], ...base, ...top };
  const topPath = (k: keyof Settings) => (over[k] !== undefined ? flagOf(k) ?? `quick.${k}` : `quick.${k}`);
  const maxFrom = top?.maxTrials !== undefined ? topPath('maxTrials') : base.maxTrials !== undefined ? 'settings.maxTrials' : undefined;
  if (!maxFrom) merged.maxTrials = Math.max(DEFAULT_SETTINGS.maxTrials, merged.trials);
  if (merged.maxTrials < merged.trials) {
    if (maxFrom === 'settings.maxTrials' && top?.trials !== undefined) {
      const at = topPath('trials');
      c.fail(at, `expected an integer <= settings.maxTrials (${merged.maxTrials}), got ${merged.trials}`,
        `set ${at} to at most ${merged.maxTrials}, or ${over.trials !== undefined ? 'raise settings.maxTrials in the suite' : 'set quick.maxTrials as well'}`);
    }
    c.fail(maxFrom ?? 'settings.maxTrials', `expected an integer >= trials (${merged.trials}), got ${merged.maxTrials}`,
      `set maxTrials to a whole number such as ${Math.max(10, merged.trials)}`);
  }
  if (merged.interleave === 'request' && merged.batchSize !== 1) {
    const from = top?.batchSize !== undefined ? 'quick.batchSize' : 'settings.batchSize';
    c.fail(from, `interleave: request takes the prompts one at a time, engine by engine, but batchSize is ${merged.batchSize}`,
      'set batchSize to 1, or interleave to trial');
  }
  return merged;
}

function checkTemperatures(c: Checker, ts: number[] | undefined, path: string): void {
  const seen = new Map<number, number>();
  ts?.forEach((t, i) => {
    const first = seen.get(t);
    if (first !== undefined) c.fail(`${path}[${i}]`, `duplicate temperature ${t} (same as ${path}[${first}])`, `remove the repeated ${t}`);
    seen.set(t, i);
  });
}

const BUILTIN_HINT = `the built-in sets are ${list(BUILTIN_DATASETS)}`;

function resolveDatasets(c: Checker, xs: DatasetDocument[], path: string, known: DatasetRef[] = []): DatasetRef[] {
  const seen = new Map<string, number>();
  return xs.map((x, i) => {
    const p = `${path}[${i}]`;
    let ref: DatasetRef;
    if (typeof x === 'string') {
      const k = known.find((r) => r.name === x);
      if (k) ref = { ...k };
      else if ((BUILTIN_DATASETS as readonly string[]).includes(x)) ref = { name: x };
      else {
        const guess = closest(x, [...known.map((r) => r.name), ...BUILTIN_DATASETS]);
        c.fail(p, `unknown dataset ${describe(x)}`,
          `${guess ? `did you mean ${guess}? ` : ''}${BUILTIN_HINT}${known.length ? `, the suite's datasets are ${list(known.map((r) => r.name))}` : ''}; for a file write {name: ${x}, path: path/to/question.jsonl}`);
      }
    } else if (x.path !== undefined) {
      checkDatasetFile(c, `${p}.path`, x.path);
      ref = { name: x.name, path: x.path };
    } else {
      const k = known.find((r) => r.name === x.name);
      if (k) ref = { ...k };
      else if ((BUILTIN_DATASETS as readonly string[]).includes(x.name)) ref = { name: x.name };
      else {
        c.fail(`${p}.name`, `unknown built-in dataset ${JSON.stringify(x.name)} and no path given`,
          `add path: to its question.jsonl (relative to the suite file), or use a built-in name; ${BUILTIN_HINT}`);
      }
    }
    const first = seen.get(ref.name);
    if (first !== undefined) c.fail(p, `duplicate dataset ${JSON.stringify(ref.name)} (same as ${path}[${first}])`, 'remove the repeat, or give the other file a distinct name');
    seen.set(ref.name, i);
    return ref;
  });
}

function checkDatasetFile(c: Checker, path: string, rel: string): void {
  const abs = resolve(c.src.dir, rel);
  const where = `paths are relative to the suite file's folder, ${displayPath(c.src.dir) || '.'}`;
  if (!existsSync(abs)) c.fail(path, `file not found: ${displayPath(abs)}`, `fix the path (${where}) or remove this dataset`);
  if (statSync(abs).isDirectory()) {
    const inside = join(abs, 'question.jsonl');
    c.fail(path, `${displayPath(abs)} is a folder, not a question.jsonl file`,
      existsSync(inside) ? `point path at ${join(rel, 'question.jsonl')}` : `point path at a question.jsonl file (${where})`);
  }
}

function resolveDrafts(c: Checker, docDrafts: SuiteDocument['drafts']): Draft[] {
  const seen = new Map<string, number>();
  return docDrafts.map((x, i) => {
    const p = `drafts[${i}]`;
    const name = x.name ?? x.method;
    let d: Draft;
    if (x.method === 'vanilla') d = { name, method: 'vanilla' };
    else if (x.method === 'ngram') {
      const ngramMin = x.ngramMin ?? NGRAM_DEFAULTS.ngramMin;
      if (x.ngramMax !== undefined && x.ngramMax < ngramMin) {
        c.fail(`${p}.ngramMax`, `expected an integer >= ngramMin (${ngramMin}), got ${x.ngramMax}`, `set ngramMax to a whole number such as ${Math.max(4, ngramMin)}`);
      }
      if (x.ngramMax === undefined && ngramMin > NGRAM_DEFAULTS.ngramMax) {
        c.fail(`${p}.ngramMin`, `expected an integer <= ngramMax (${NGRAM_DEFAULTS.ngramMax}, the default), got ${ngramMin}`, 'set ngramMin to a whole number such as 1, or also set ngramMax');
      }
      d = { name, method: 'ngram', draftedTokens: x.draftedTokens ?? NGRAM_DEFAULTS.draftedTokens, ngramMin, ngramMax: x.ngramMax ?? NGRAM_DEFAULTS.ngramMax } satisfies NgramDraft;
    } else {
      const { name: _n, ...rest } = x;
      d = { name, ...rest };
    }
    const first = seen.get(d.name);
    if (first !== undefined) {
      c.fail(x.name !== undefined ? `${p}.name` : p, `duplicate draft name ${JSON.stringify(d.name)} (same as drafts[${first}])`,
        `give this draft a distinct name, such as name: ${d.name}-${i + 1}`);
    }
    seen.set(d.name, i);
    return d;
  });
}

function resolveEngines(c: Checker, docEngines: SuiteDocument['engines']): Engine[] {
  const seen = new Map<string, number>();
  return docEngines.map((x, i) => {
    const engine: Engine = { name: x.name, options: x.options ?? {} };
    if (x.label !== undefined) engine.label = x.label;
    const shown = engine.label ?? engine.name;
    const first = seen.get(shown);
    if (first !== undefined) c.fail(`engines[${i}]`, `duplicate engine ${JSON.stringify(shown)} (same as engines[${first}])`, 'give one of them a distinct label, or remove the repeat');
    seen.set(shown, i);
    return engine;
  });
}

/** Validates a parsed suite document and fills in defaults. Throws SuiteError on the first mistake. */
export function validateSuite(doc: unknown, src: SuiteSource, opts: ValidateOptions = {}): Suite {
  const c: Checker = new Checker(src);
  if (doc === null || doc === undefined) {
    c.fail('(document)', 'the file is empty', 'write a suite with at least engines: and drafts: (see docs/suite-format.md)');
  }
  if (!isRecord(doc)) {
    c.fail('(document)', `expected a mapping at the top level, got ${describe(doc)}`, 'write the suite as keys such as engines:, drafts:, datasets:, settings: (see docs/suite-format.md)');
  }
  const legacy = normaliseLegacy(doc, c.shown);
  if ('conflict' in legacy) c.fail(legacy.conflict.path, legacy.conflict.problem, legacy.conflict.fix);
  const parsed = SUITE_SCHEMA.safeParse(legacy.doc);
  if (!parsed.success) {
    const p = firstProblem(SUITE_SCHEMA, parsed.error, legacy.doc);
    c.fail(p.path, p.problem, p.fix);
  }
  const s: SuiteDocument = parsed.data;
  const fallbackName = basename(src.file, extname(src.file)).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'suite';
  if (s.name === undefined && fallbackName.length > NAME_MAX_CHARS) {
    c.fail('name', `missing, and the file's name (${fallbackName.length} characters) is too long to name the suite: it becomes part of the run directory's name, which the file system caps at 255 bytes`, `add name: with at most ${NAME_MAX_CHARS} characters`);
  }
  const engines = resolveEngines(c, s.engines);
  const drafts = resolveDrafts(c, s.drafts);
  const datasets = s.datasets ? resolveDatasets(c, s.datasets, 'datasets') : BUILTIN_DATASETS.map((n) => ({ name: n }));
  const base: Partial<Settings> = { ...s.settings };
  checkTemperatures(c, base.temperatures, 'settings.temperatures');
  const settings = mergeSettings(c, base);

  let quick: QuickOverrides = { ...DEFAULT_QUICK };
  if (s.quick) {
    const { datasets: qd, ...qs } = s.quick;
    checkTemperatures(c, qs.temperatures, 'quick.temperatures');
    quick = { ...qs };
    if (qd) quick.datasets = resolveDatasets(c, qd, 'quick.datasets', datasets);
  }
  const { datasets: quickDatasets, ...quickSettings } = quick;
  const quickMerged = mergeSettings(c, base, quickSettings); // checked even when quick is not applied

  const apply = opts.quick === true;
  const over = opts.overrides ?? {};
  const overridden = Object.keys(over).length > 0;
  if (over.temperatures) checkTemperatures(c, over.temperatures, OVERRIDE_FLAGS.temperatures);
  // the flags come last: --quick shrinks the suite first, then each flag sets its value
  const inEffect = overridden ? mergeSettings(c, base, { ...(apply ? quickSettings : {}), ...over }, over) : apply ? quickMerged : settings;
  return {
    version: SUITE_VERSION,
    name: s.name ?? fallbackName,
    description: s.description ?? '',
    engines,
    drafts,
    datasets: apply && quickDatasets ? quickDatasets : datasets,
    settings: inEffect,
    quick,
    quickApplied: apply,
    file: src.file,
    dir: src.dir,
  };
}
