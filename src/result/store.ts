// Reads and writes result files. Writes are atomic (write-file-atomic: temp file + rename) so an
// interrupted run never leaves a torn result.json; the runner calls saveResult after every cell.
import { readFileSync, mkdirSync, appendFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import writeFileAtomicLib from 'write-file-atomic';
import { validateResult, ResultError, type ResultFile } from './schema.ts';
import { errnoCode, messageOf } from '../errors.ts';
import { shellQuote } from '../shell.ts';

/** Writes text to path atomically, creating its directory first. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomicLib.sync(path, text);
}

export function saveResult(dir: string, result: ResultFile): string {
  const path = join(dir, 'result.json');
  result.updatedAt = new Date().toISOString();
  writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}

/** Loads result.json (or the result.json inside a directory) and validates it. */
export function loadResult(pathOrDir: string): ResultFile {
  const path = pathOrDir.endsWith('.json') || isFile(pathOrDir) ? pathOrDir : join(pathOrDir, 'result.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultError(`${path}: cannot read (${errnoCode(e) ?? String(e)}) -- pass a result.json or the run directory that holds one`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8 quotes the text it choked on, newlines and all: one line, whatever the file holds
    const why = messageOf(e).replace(/\r?\n/g, '\\n');
    // --resume rebuilds only from a run directory's journal; anything else is not a result file
    const fix = existsSync(join(dirname(path), 'requests.jsonl'))
      ? `the file is damaged; prism-bench run --resume ${shellQuote(dirname(path))} rebuilds it from the run's journal (requests.jsonl) and continues the run`
      : 'pass a result.json written by prism-bench run or import, or the run directory that holds one';
    throw new ResultError(`${path}: not valid JSON (${why}) -- ${fix}`);
  }
  return validateResult(data, path);
}

function isFile(path: string): boolean {
  try { return statSync(path).isFile(); } catch { return false; }
}

/** Appends one JSON line; requests.jsonl grows as requests complete, so nothing measured is lost. */
export function appendJsonLine(path: string, obj: unknown): void {
  appendFileSync(path, JSON.stringify(obj) + '\n');
}
