// requests.jsonl is the run's journal: appended line by line as the run goes, never rewritten
// (but for a line a crash cut short at its end, which `run --resume` sets aside: sealJournal).
// Besides one line per request (a RequestRecord), it holds one `run` line when the run starts
// (what result.json needs that the suite file does not say), an `engine` line each time an
// engine describes itself, and a `trial` line when a trial completes (its wall time and the
// attempt whose requests it counts). result.json is a summary rebuilt after every cell; when
// it is damaged or missing, `run --resume` rebuilds it from the journal and the suite.
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import type { RequestRecord } from '../metrics/records.ts';
import type { Cell, ResultFile, TrialRecord } from '../result/schema.ts';

export interface RunLine {
  kind: 'run';
  runId: string;
  createdAt: string;
  tool: ResultFile['tool'];
  suiteFile: string;
  /** the suite as run (suiteAsRun), to refuse a resume after the suite file changed */
  suite?: Record<string, unknown>;
  options: ResultFile['options'];
  fingerprint: Record<string, unknown>;
}

export interface EngineLine {
  kind: 'engine';
  key: string;
  version: string;
  info?: unknown;
  measures?: Record<string, boolean>;
  /** per metric id: engine, engine-counters, client or derived (the adapter's declaration) */
  sources?: Record<string, string>;
}

export interface TrialLine extends TrialRecord {
  kind: 'trial';
  cell: string;
  /** engine log of the trial, relative to the run directory */
  log?: string;
  gpuBusy?: string[];
}

export type JournalLine = RunLine | EngineLine | TrialLine;

export interface Journal {
  run?: RunLine;
  engines: EngineLine[];
  trials: TrialLine[];
  records: RequestRecord[];
  /** lines that did not parse (a line cut by a crash: the trial it belongs to was not recorded) */
  damaged: number;
}

export function readJournal(file: string): Journal {
  const j: Journal = { engines: [], trials: [], records: [], damaged: 0 };
  if (!existsSync(file)) return j;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    // a line is taken for what its kind says (the runner wrote it); result.json is validated, the journal only parsed
    let v: (Partial<JournalLine> & Record<string, unknown>) | null;
    try { v = JSON.parse(line) as typeof v; } catch { j.damaged++; continue; }
    if (!v || typeof v !== 'object') { j.damaged++; continue; }
    if (v.kind === 'run') j.run ??= v as RunLine; // why: its kind says what it is; the runner wrote it
    else if (v.kind === 'engine') j.engines.push(v as EngineLine); // why: as above
    else if (v.kind === 'trial') j.trials.push(v as TrialLine); // why: as above
    else if (v.kind === undefined && typeof v.cell === 'string') j.records.push(v as unknown as RequestRecord); // why: a request line has no kind, only its cell
    else j.damaged++;
  }
  return j;
}

/** What sealJournal did to a journal's cut last line: nothing to do, ended it, or set it aside in a side file. */
export type Sealed = { kind: 'intact' } | { kind: 'ended' } | { kind: 'set-aside'; file: string; bytes: number };

/** The offset just past the last newline of the open file `fd` of `size` bytes (0 when it has none), read backwards in chunks. */
function afterLastNewline(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/**
 * Readies a journal a crash cut short (its last byte not a newline) for the lines a resumed run
 * appends, so each starts on a line of its own and none is glued to the fragment. A cut line
 * that still parses (only its newline was lost) gets its newline. One that does not is copied
 * to a side file, requests.jsonl.torn-<time>, and only then cut from the journal (so a crash in
 * between duplicates it, never loses it): the journal is left holding whole lines only.
 */
export function sealJournal(file: string, now: Date = new Date()): Sealed {
  if (!existsSync(file)) return { kind: 'intact' };
  const fd = openSync(file, 'r');
  let fragment: Buffer;
  let start: number;
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { kind: 'intact' };
    start = afterLastNewline(fd, size);
    if (start === size) return { kind: 'intact' };
    fragment = Buffer.alloc(size - start);
    readSync(fd, fragment, 0, fragment.length, start);
  } finally {
    closeSync(fd);
  }
  let whole = false;
  try {
    const v: unknown = JSON.parse(fragment.toString('utf8'));
    whole = typeof v === 'object' && v !== null;
  } catch { /* cut mid-line */ }
  if (whole) {
    appendFileSync(file, '\n');
    return { kind: 'ended' };
  }
  const side = `${file}.torn-${now.toISOString().replace(/[:.]/g, '-')}`;
  writeFileSync(side, fragment, { flag: 'wx' });
  truncateSync(file, start);
  return { kind: 'set-aside', file: side, bytes: fragment.length };
}

/**
 * Puts the journal's finished trials and engine descriptions into a fresh result (its cells
 * planned from the suite). Trials of cells the suite no longer has are skipped. Returns how
 * many trial lines were applied.
 */
export function restoreFromJournal(result: ResultFile, journal: Journal, trialsPerCell: number): number {
  const cells = new Map<string, Cell>(result.cells.map((c) => [c.id, c]));
  let restored = 0;
  for (const t of journal.trials) {
    const cell = cells.get(t.cell);
    if (!cell) continue;
    const { kind: _k, cell: _c, log, gpuBusy, ...trial } = t;
    // a later attempt at the same trial (a failed cell run again on resume) replaces the earlier
    cell.trials = cell.trials.filter((x) => x.trial !== t.trial);
    cell.trials.push(trial);
    cell.trials.sort((a, b) => a.trial - b.trial);
    cell.status = cell.trials.length >= trialsPerCell ? 'ok' : 'pending';
    if (log) cell.log = log;
    if (gpuBusy) cell.gpuBusy = gpuBusy;
    restored++;
  }
  for (const e of journal.engines) result.engines[e.key] = { version: e.version, info: e.info, ...(e.measures ? { measures: e.measures } : {}), ...(e.sources ? { sources: e.sources } : {}) };
  return restored;
}
