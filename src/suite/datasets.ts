// Prompt sets: the built-in suites/prompts/<name>.jsonl files and MT-bench/Spec-Bench style
// question.jsonl files ({"question_id", "category", "turns": [...]} per line; other fields ignored).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { packageRoot } from '../assets.ts';
import { SuiteError, describe, displayPath } from './errors.ts';
import { BUILTIN_DATASETS, type Dataset, type DatasetRef, type DatasetRefInput, type Prompt, type Suite } from './types.ts';
import { messageOf } from '../errors.ts';
import { isRecord } from '../record.ts';

export { BUILTIN_DATASETS } from './types.ts';

/** Package root, found from this module's location (not the cwd); see assets.ts. */
export const PACKAGE_ROOT = packageRoot();
/** Folder of the built-in prompt sets. */
export const PROMPTS_DIR = resolve(PACKAGE_ROOT, 'suites', 'prompts');

export const isBuiltinDataset = (name: string): boolean => (BUILTIN_DATASETS as readonly string[]).includes(name);

/** Absolute path of a built-in set's jsonl file. */
export function builtinDatasetFile(name: string): string {
  return resolve(PROMPTS_DIR, `${name}.jsonl`);
}

export interface LoadDatasetOptions {
  /** keep only the first N prompts (null/undefined = all) */
  limit?: number | null;
}

/**
 * Loads a dataset: a built-in name (string or {name} without path) or {name, path} where path is
 * relative to suiteDir. Every line is validated; errors name the file, line and field.
 */
export function loadDataset(ref: DatasetRef | DatasetRefInput, suiteDir: string, opts: LoadDatasetOptions = {}): Dataset {
  const r: { name?: unknown; path?: unknown } = typeof ref === 'string' ? { name: ref } : (ref ?? {});
  if (typeof r.name !== 'string' || r.name === '') {
    throw new SuiteError('(dataset)', 'name', `expected a dataset name, got ${describe(r.name)}`, 'name a built-in set or give {name, path}');
  }
  const name = r.name;
  let file: string, source: string;
  if (r.path === undefined || r.path === null) {
    if (!isBuiltinDataset(name)) {
      throw new SuiteError('(dataset)', name, `unknown built-in dataset ${JSON.stringify(name)}`,
        `use one of ${BUILTIN_DATASETS.join(', ')}, or give {name: ${name}, path: path/to/question.jsonl}`);
    }
    file = builtinDatasetFile(name);
    source = 'builtin';
  } else {
    if (typeof r.path !== 'string' || r.path === '') {
      throw new SuiteError('(dataset)', `${name}.path`, `expected a file path, got ${describe(r.path)}`, 'set path to a question.jsonl file');
    }
    file = resolve(suiteDir, r.path);
    source = file;
  }
  const shown = displayPath(file);
  if (!existsSync(file) || statSync(file).isDirectory()) {
    throw new SuiteError(shown, '(file)', `dataset ${JSON.stringify(name)} file not found`,
      `fix the path (relative to ${displayPath(resolve(suiteDir)) || '.'}) so it names a question.jsonl file`);
  }
  const prompts = parseQuestions(readFileSync(file, 'utf8'), shown, name);
  const limit = opts.limit;
  return { name, source, file, prompts: limit === null || limit === undefined ? prompts : prompts.slice(0, limit) };
}

/** Loads every dataset of a suite, keeping the first `settings.prompts` of each. */
export function loadSuiteDatasets(suite: Suite): Dataset[] {
  return suite.datasets.map((ref) => loadDataset(ref, suite.dir, { limit: suite.settings.prompts }));
}

/** Parses question.jsonl text. `shown` is the file name used in error messages. */
export function parseQuestions(text: string, shown: string, datasetName: string): Prompt[] {
  const prompts: Prompt[] = [];
  const ids = new Map<string, number>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const n = i + 1;
    function fail(field: string, problem: string, fix: string): never {
      throw new SuiteError(shown, field ? `line ${n}: ${field}` : `line ${n}`, problem, fix);
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      fail('', `invalid JSON (${messageOf(e)})`, 'write one complete JSON object per line, such as {"question_id": "q-01", "category": "chat", "turns": ["..."]}');
    }
    if (!isRecord(obj)) fail('', `expected a JSON object, got ${describe(obj)}`, 'write one JSON object per line with question_id and turns');
    const o = obj;
    if (!('question_id' in o)) fail('question_id', 'missing', 'add "question_id": a unique string or integer');
    const qid = o.question_id;
    if (!((typeof qid === 'string' && qid.trim() !== '') || (typeof qid === 'number' && Number.isInteger(qid)))) {
      fail('question_id', `expected a non-empty string or an integer, got ${describe(qid)}`, 'set "question_id" to a unique string or integer');
    }
    const id = String(qid);
    const first = ids.get(id);
    if (first !== undefined) fail('question_id', `duplicate question_id ${JSON.stringify(id)} (same as line ${first})`, 'give every question a unique question_id');
    ids.set(id, n);
    let category = datasetName;
    if ('category' in o && o.category !== null) {
      if (typeof o.category !== 'string') fail('category', `expected a string, got ${describe(o.category)}`, 'set "category" to a string or leave it out');
      if (o.category !== '') category = o.category;
    }
    if (!('turns' in o)) fail('turns', 'missing', 'add "turns": a list of one or more prompt strings');
    const turns = o.turns;
    if (!Array.isArray(turns) || turns.length === 0) {
      fail('turns', `expected a non-empty list of strings, got ${describe(turns)}`, 'set "turns" to a list such as ["first turn"]');
    }
    const texts = turns.map((t: unknown, j) => {
      if (typeof t !== 'string' || t.trim() === '') fail(`turns[${j}]`, `expected a non-empty string, got ${describe(t)}`, 'make every turn a non-empty string');
      return t;
    });
    prompts.push({ id, category, turns: texts });
  });
  if (prompts.length === 0) throw new SuiteError(shown, '(file)', 'no questions in the file', 'add one JSON object per line with question_id and turns');
  return prompts;
}
