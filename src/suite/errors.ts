// One error type for every suite and dataset mistake. The message is always ONE line:
//   <file>: <path inside it>: <what is wrong> -- <how to fix it>
import { isAbsolute, relative } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { PrismInputError } from '../errors.ts';

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

export class SuiteError extends PrismInputError {
  /** file as shown (relative to the cwd when inside it) */
  readonly file: string;
  /** where inside the file, e.g. `drafts[1].ngramMax` or `line 3` */
  readonly path: string;
  readonly problem: string;
  readonly fix: string;

  constructor(file: string, path: string, problem: string, fix: string) {
    const f = oneLine(file), p = oneLine(path), pr = oneLine(problem), fx = oneLine(fix);
    super(`${f}: ${p}: ${pr} -- ${fx}`);
    this.name = 'SuiteError';
    this.file = f;
    this.path = p;
    this.problem = pr;
    this.fix = fx;
  }
}

/** A path for messages: relative to the cwd when the file is inside it, else absolute. */
export function displayPath(absFile: string): string {
  const rel = relative(process.cwd(), absFile);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absFile;
}

/** Short description of a value for "got ..." parts of messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (an empty value)';
  if (typeof v === 'string') {
    const s = v.length > 40 ? `${v.slice(0, 37)}...` : v;
    return `${JSON.stringify(s)} (a string)`;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `${v} (not a finite number)`;
  if (typeof v === 'boolean') return `${v} (a boolean)`;
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** Closest candidate by Levenshtein distance (fastest-levenshtein; case-insensitive), if close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const a = word.toLowerCase();
  let best: string | undefined, bestD = Infinity;
  for (const c of candidates) {
    const d = distance(a, c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
