// Validation of a parsed suite document: every field is checked, defaults are filled in, and the
// first mistake becomes a one-line SuiteError naming the file, the path inside it and the fix.
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { SuiteError, closest, describe, displayPath } from './errors.ts';
import {
  BUILTIN_DATASETS, DRAFT_METHODS, DRAFT_METHOD_FIELDS, ENGINE_ADAPTERS, SUITE_VERSION,
  type DatasetRef, type Draft, type DraftMethod, type Engine, type EngineAdapter, type LearnedDraft,
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
});

/** The quick block used when the suite file has none. */
export const DEFAULT_QUICK: Readonly<QuickOverrides> = Object.freeze({ prompts: 3, maxNewTokens: 32, trials: 2, warmup: 1 });

/** Defaults of the ngram draft's fields. */
export const NGRAM_DEFAULTS = Object.freeze({ draftTokens: 6, ngramMin: 1, ngramMax: 4 });

export const TOP_LEVEL_KEYS = ['version', 'name', 'description', 'engines', 'drafts', 'datasets', 'settings', 'quick'] as const;
export const ENGINE_KEYS = ['name', 'label', 'options'] as const;
export const DATASET_KEYS = ['name', 'path'] as const;
export const SETTINGS_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];
export const QUICK_KEYS = [...SETTINGS_KEYS, 'datasets'] as const;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SAFE_NAME_RULE = "letters, digits, '-', '_' or '.', starting with a letter or digit";

/** Where the document came from, for messages and for resolving dataset paths. */
export interface SuiteSource {
  /** absolute path of the suite file */
  file: string;
  /** absolute folder dataset paths resolve against */
  dir: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
/** the last key of a path, for "set X to ..." fixes */
const keyOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);
const list = (xs: readonly string[]) => xs.join(', ');

class Checker {
  readonly shown: string;
  constructor(readonly src: SuiteSource) {
    this.shown = displayPath(src.file);
  }

  fail(path: string, problem: string, fix: string): never {
    throw new SuiteError(this.shown, path, problem, fix);
  }

  mapping(v: unknown, path: string, example: string): Obj {
    if (!isObj(v)) this.fail(path, `expected a mapping, got ${describe(v)}`, `write ${keyOf(path)} as a mapping, such as ${example}`);
    return v;
  }

  keys(obj: Obj, allowed: readonly string[], path: string, where = `in ${path}`): void {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const guess = closest(k, allowed);
      this.fail(at(path, k), 'unknown key',
        `${guess ? `did you mean ${guess}? ` : ''}allowed keys ${where} are: ${list(allowed)}`);
    }
  }

  list(v: unknown, path: string, what: string, example: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected a list of ${what}, got ${describe(v)}`, `write ${keyOf(path)} as a list, such as ${example}`);
    if (v.length === 0) this.fail(path, `expected at least one ${what.replace(/s$/, '')}, got an empty list`, `add an entry, such as ${example}`);
    return v;
  }

  int(v: unknown, path: string, min: number, example: number, minLabel: string = String(min)): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.fail(path, `expected an integer >= ${minLabel}, got ${describe(v)}`, `set ${keyOf(path)} to a whole number such as ${example}`);
    }
    return v;
  }

  string(v: unknown, path: string, example: string): string {
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(path, `expected a non-empty string, got ${describe(v)}`, `set ${keyOf(path)} to some text, such as ${example}`);
    }
    return v;
  }

  safeName(v: unknown, path: string, example: string): string {
    const s = this.string(v, path, example);
    if (!SAFE_NAME.test(s)) this.fail(path, `${JSON.stringify(s)} is not a usable name`, `use only ${SAFE_NAME_RULE}, such as ${example}`);
    return s;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[], what: string): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      const guess = typeof v === 'string' ? closest(v, allowed) : undefined;
      this.fail(path, `unknown ${what} ${describe(v)}`,
        `${guess ? `did you mean ${guess}? ` : ''}set ${keyOf(path)} to one of: ${list(allowed)}`);
    }
    return v as T;
  }
}

// ---------------------------------------------------------------------------------------------
// settings

type SettingParser = (c: Checker, v: unknown, path: string) => unknown;

const SETTING_PARSERS: { [K in keyof Settings]: SettingParser } = {
  target: (c, v, p) => c.string(v, p, 'reference-target'),
  temperatures: (c: Checker, v, p) => {
    const xs = c.list(v, p, 'temperatures', '[0, 1]');
    const seen = new Map<number, number>();
    return xs.map((t, i) => {
      if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
        c.fail(at(p, i), `expected a number >= 0, got ${describe(t)}`, `set ${keyOf(at(p, i))} to a number >= 0, such as 0 (greedy) or 1`);
      }
      const first = seen.get(t);
      if (first !== undefined) c.fail(at(p, i), `duplicate temperature ${t} (same as ${at(p, first)})`, `remove the repeated ${t}`);
      seen.set(t, i);
      return t;
    });
  },
  topP: (c: Checker, v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1) {
      c.fail(p, `expected a number above 0 and at most 1, got ${describe(v)}`, 'set topP to a number in (0, 1], such as 1.0 (disabled)');
    }
    return v;
  },
  topK: (c: Checker, v, p) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || (v !== -1 && v < 1)) {
      c.fail(p, `expected -1 (disabled) or an integer >= 1, got ${describe(v)}`, 'set topK to -1 to disable top-k sampling, or to a whole number such as 50');
    }
    return v;
  },
  maxNewTokens: (c, v, p) => c.int(v, p, 1, 128),
  ignoreEos: (c: Checker, v, p) => {
    if (typeof v !== 'boolean') c.fail(p, `expected true or false, got ${describe(v)}`, 'set ignoreEos to true or false (unquoted)');
    return v;
  },
  batchSize: (c, v, p) => c.int(v, p, 1, 1),
  prompts: (c, v, p) => (v === null ? null : c.int(v, p, 1, 20)),
  seed: (c, v, p) => c.int(v, p, 0, 1234),
  warmup: (c, v, p) => c.int(v, p, 0, 2),
  trials: (c, v, p) => c.int(v, p, 1, 3),
  maxTrials: (c, v, p) => c.int(v, p, 1, 10),
  engineLifetime: (c: Checker, v, p) => {
    if (v !== 'round' && v !== 'run') c.fail(p, `expected round or run, got ${describe(v)}`, 'set engineLifetime to round (relaunch every engine each round) or run (start each engine once)');
    return v;
  },
};

/** Parses the explicit keys of a settings-like mapping (settings: or quick:). */
function parseSettingsKeys(c: Checker, obj: Obj, path: string): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const k of SETTINGS_KEYS) if (k in obj) out[k] = SETTING_PARSERS[k](c, obj[k], at(path, k));
  return out as Partial<Settings>;
}

/** Merges defaults < settings < quick and checks the cross-field rules, blaming the right key. */
function mergeSettings(c: Checker, base: Partial<Settings>, quick?: Partial<Settings>): Settings {
  const merged: Settings = { ...DEFAULT_SETTINGS, temperatures: [...DEFAULT_SETTINGS.temperatures], ...base, ...quick };
  const maxFrom = quick?.maxTrials !== undefined ? 'quick' : base.maxTrials !== undefined ? 'settings' : undefined;
  if (!maxFrom) merged.maxTrials = Math.max(DEFAULT_SETTINGS.maxTrials, merged.trials);
  if (merged.maxTrials < merged.trials) {
    if (maxFrom === 'settings' && quick?.trials !== undefined) {
      c.fail('quick.trials', `expected an integer <= settings.maxTrials (${merged.maxTrials}), got ${merged.trials}`,
        `set quick.trials to at most ${merged.maxTrials}, or set quick.maxTrials as well`);
    }
    c.fail(`${maxFrom}.maxTrials`, `expected an integer >= trials (${merged.trials}), got ${merged.maxTrials}`,
      `set maxTrials to a whole number such as ${Math.max(10, merged.trials)}`);
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// engines, drafts, datasets

function parseEngines(c: Checker, v: unknown): Engine[] {
  const xs = c.list(v, 'engines', 'engines', '`- name: reference`');
  const seen = new Map<string, number>();
  return xs.map((x, i) => {
    const p = at('engines', i);
    const obj = c.mapping(x, p, '{name: reference}');
    c.keys(obj, ENGINE_KEYS, p, 'in an engine');
    if (!('name' in obj)) c.fail(at(p, 'name'), 'missing engine name', `add name: one of ${list(ENGINE_ADAPTERS)}`);
    const name: EngineAdapter = c.oneOf(obj.name, at(p, 'name'), ENGINE_ADAPTERS, 'engine adapter');
    const engine: Engine = { name, options: {} };
    if ('label' in obj) engine.label = c.string(obj.label, at(p, 'label'), `${name}-a`);
    if ('options' in obj) engine.options = c.mapping(obj.options, at(p, 'options'), '{model: models/target}');
    const shown = engine.label ?? name;
    const first = seen.get(shown);
    if (first !== undefined) {
      c.fail(p, `duplicate engine ${JSON.stringify(shown)} (same as engines[${first}])`, 'give one of them a distinct label, or remove the repeat');
    }
    seen.set(shown, i);
    return engine;
  });
}

const ALL_DRAFT_FIELDS = [...new Set(Object.values(DRAFT_METHOD_FIELDS).flat())];

function parseDraft(c: Checker, x: unknown, p: string): Draft {
  const obj = c.mapping(x, p, '{name: ngram, method: ngram}');
  if (!('method' in obj)) c.fail(at(p, 'method'), 'missing draft method', `add method: one of ${list(DRAFT_METHODS)}`);
  const method: DraftMethod = c.oneOf(obj.method, at(p, 'method'), DRAFT_METHODS, 'draft method');
  const fields = DRAFT_METHOD_FIELDS[method];
  const allowed = ['name', 'method', ...fields];
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    if (ALL_DRAFT_FIELDS.includes(k)) {
      const users = DRAFT_METHODS.filter((m) => DRAFT_METHOD_FIELDS[m].includes(k));
      c.fail(at(p, k), `not allowed for method ${method}`,
        `remove ${k} (it applies only to method${users.length > 1 ? 's' : ''} ${list(users)})`);
    }
    c.keys({ [k]: obj[k] }, allowed, p, `for method ${method}`);
  }
  const name = 'name' in obj ? c.safeName(obj.name, at(p, 'name'), method) : method;
  if (method === 'vanilla') return { name, method };
  if (method === 'ngram') {
    const draftTokens = 'draftTokens' in obj ? c.int(obj.draftTokens, at(p, 'draftTokens'), 1, 6) : NGRAM_DEFAULTS.draftTokens;
    const ngramMin = 'ngramMin' in obj ? c.int(obj.ngramMin, at(p, 'ngramMin'), 1, 1) : NGRAM_DEFAULTS.ngramMin;
    if ('ngramMax' in obj) {
      c.int(obj.ngramMax, at(p, 'ngramMax'), ngramMin, Math.max(4, ngramMin), `ngramMin (${ngramMin})`);
    } else if (ngramMin > NGRAM_DEFAULTS.ngramMax) {
      c.fail(at(p, 'ngramMin'), `expected an integer <= ngramMax (${NGRAM_DEFAULTS.ngramMax}, the default), got ${ngramMin}`,
        `set ngramMin to a whole number such as 1, or also set ngramMax`);
    }
    const ngramMax = 'ngramMax' in obj ? (obj.ngramMax as number) : NGRAM_DEFAULTS.ngramMax;
    return { name, method, draftTokens, ngramMin, ngramMax };
  }
  const d: LearnedDraft = { name, method };
  if ('model' in obj) d.model = c.string(obj.model, at(p, 'model'), `models/${method}-draft`);
  if ('steps' in obj) d.steps = c.int(obj.steps, at(p, 'steps'), 1, 5);
  if ('topK' in obj) d.topK = c.int(obj.topK, at(p, 'topK'), 1, 8);
  if ('draftTokens' in obj) d.draftTokens = c.int(obj.draftTokens, at(p, 'draftTokens'), 1, 16);
  if ('modules' in obj) d.modules = c.int(obj.modules, at(p, 'modules'), 1, 2);
  if ('stepMap' in obj) {
    const xs = c.list(obj.stepMap, at(p, 'stepMap'), 'module indices', '[0, 1]');
    if (xs.length === 0) c.fail(at(p, 'stepMap'), 'empty list', 'give the module for each draft step, e.g. [0, 1] (the last repeats)');
    d.stepMap = xs.map((x, i) => c.int(x, at(at(p, 'stepMap'), i), 0, 0));
  }
  return d;
}

function parseDrafts(c: Checker, v: unknown): Draft[] {
  const xs = c.list(v, 'drafts', 'drafts', '`- {name: vanilla, method: vanilla}`');
  const seen = new Map<string, number>();
  return xs.map((x, i) => {
    const p = at('drafts', i);
    const d = parseDraft(c, x, p);
    const first = seen.get(d.name);
    if (first !== undefined) {
      const explicit = isObj(x) && 'name' in x;
      c.fail(explicit ? at(p, 'name') : p, `duplicate draft name ${JSON.stringify(d.name)} (same as drafts[${first}])`,
        `give this draft a distinct name, such as name: ${d.name}-${i + 1}`);
    }
    seen.set(d.name, i);
    return d;
  });
}

const BUILTIN_HINT = `the built-in sets are ${list(BUILTIN_DATASETS)}`;

function parseDatasets(c: Checker, v: unknown, path: string, known: DatasetRef[] = []): DatasetRef[] {
  const xs = c.list(v, path, 'datasets', '[chat, code]');
  const seen = new Map<string, number>();
  return xs.map((x, i) => {
    const p = at(path, i);
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
    } else {
      const obj = c.mapping(x, p, '{name: mt_bench, path: path/to/question.jsonl}');
      c.keys(obj, DATASET_KEYS, p, 'in a dataset');
      if (!('name' in obj)) c.fail(at(p, 'name'), 'missing dataset name', 'add name:, such as name: mt_bench');
      const name = c.safeName(obj.name, at(p, 'name'), 'mt_bench');
      if ('path' in obj) {
        const rel = c.string(obj.path, at(p, 'path'), 'path/to/question.jsonl');
        checkDatasetFile(c, at(p, 'path'), rel);
        ref = { name, path: rel };
      } else {
        const k = known.find((r) => r.name === name);
        if (k) ref = { ...k };
        else if ((BUILTIN_DATASETS as readonly string[]).includes(name)) ref = { name };
        else {
          c.fail(at(p, 'name'), `unknown built-in dataset ${JSON.stringify(name)} and no path given`,
            `add path: to its question.jsonl (relative to the suite file), or use a built-in name; ${BUILTIN_HINT}`);
        }
      }
    }
    const first = seen.get(ref.name);
    if (first !== undefined) c.fail(p, `duplicate dataset ${JSON.stringify(ref.name)} (same as ${at(path, first)})`, 'remove the repeat, or give the other file a distinct name');
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

// ---------------------------------------------------------------------------------------------

export interface ValidateOptions {
  /** apply the quick block */
  quick?: boolean;
}

/** Validates a parsed suite document and fills in defaults. Throws SuiteError on the first mistake. */
export function validateSuite(doc: unknown, src: SuiteSource, opts: ValidateOptions = {}): Suite {
  const c: Checker = new Checker(src);
  if (doc === null || doc === undefined) {
    c.fail('(document)', 'the file is empty', 'write a suite with at least engines: and drafts: (see docs/suite-format.md)');
  }
  if (!isObj(doc)) {
    c.fail('(document)', `expected a mapping at the top level, got ${describe(doc)}`, 'write the suite as keys such as engines:, drafts:, datasets:, settings: (see docs/suite-format.md)');
  }
  c.keys(doc, TOP_LEVEL_KEYS, '', 'at the top level');

  if ('version' in doc && doc.version !== SUITE_VERSION) {
    c.fail('version', `unsupported suite format version ${describe(doc.version)}`, `set version: ${SUITE_VERSION} (the only version this prism-bench understands)`);
  }
  const fallbackName = basename(src.file, extname(src.file)).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'suite';
  const name = 'name' in doc ? c.safeName(doc.name, 'name', 'default') : fallbackName;
  let description = '';
  if ('description' in doc) {
    if (typeof doc.description !== 'string') c.fail('description', `expected text, got ${describe(doc.description)}`, 'set description to some text (quote it if it contains a colon)');
    description = doc.description;
  }

  if (!('engines' in doc)) c.fail('engines', 'missing', 'add engines: with at least one entry, such as `- name: reference`');
  const engines = parseEngines(c, doc.engines);
  if (!('drafts' in doc)) c.fail('drafts', 'missing', 'add drafts: with at least one entry, such as `- {name: vanilla, method: vanilla}`');
  const drafts = parseDrafts(c, doc.drafts);
  const datasets = 'datasets' in doc ? parseDatasets(c, doc.datasets, 'datasets') : BUILTIN_DATASETS.map((n) => ({ name: n }));

  let base: Partial<Settings> = {};
  if ('settings' in doc) {
    const obj = c.mapping(doc.settings, 'settings', '{temperatures: [0], maxNewTokens: 128}');
    c.keys(obj, SETTINGS_KEYS, 'settings');
    base = parseSettingsKeys(c, obj, 'settings');
  }
  const settings = mergeSettings(c, base);

  let quick: QuickOverrides = { ...DEFAULT_QUICK };
  if ('quick' in doc) {
    const obj = c.mapping(doc.quick, 'quick', '{prompts: 3, maxNewTokens: 32}');
    c.keys(obj, QUICK_KEYS, 'quick');
    quick = parseSettingsKeys(c, obj, 'quick');
    if ('datasets' in obj) quick.datasets = parseDatasets(c, obj.datasets, 'quick.datasets', datasets);
  }
  const { datasets: quickDatasets, ...quickSettings } = quick;
  const quickMerged = mergeSettings(c, base, quickSettings); // checked even when quick is not applied

  const apply = opts.quick === true;
  return {
    version: SUITE_VERSION,
    name,
    description,
    engines,
    drafts,
    datasets: apply && quickDatasets ? quickDatasets : datasets,
    settings: apply ? quickMerged : settings,
    quick,
    quickApplied: apply,
    file: src.file,
    dir: src.dir,
  };
}
