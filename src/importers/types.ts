// The interface every importer implements: one file of another tool's output in, a list of
// trials (one per cell a file contributes to) out. build.ts turns trials into a result.
import type { RequestRecord } from '../metrics/records.ts';
import { PrismInputError } from '../errors.ts';

export const IMPORT_FORMATS = ['eagle', 'spec-bench', 'prism-ae'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Who produced a figure: the other tool wrote it to its file, or prism-bench computed it from that file's fields. */
export type MetricSource = 'tool' | 'derived';

/** How one metric of an import was obtained and what it counts (stored on each MetricValue). */
export interface MetricOrigin {
  source: MetricSource;
  /** one sentence: what is counted (bonus token in or out, pooled or per question, prefill in the window or not) */
  definition: string;
}

/** An input file with an optional line selection ("FILE:3-9,12"), as given on the command line. */
export interface ImportInput {
  path: string;
  /** 1-based inclusive ranges; undefined: every line */
  lines?: Array<[number, number]>;
}

/** Which role an input plays: a method's output, or the vanilla (no speculation) run it is compared with. */
export type InputRole = 'method' | 'baseline';

export interface ImportContext {
  role: InputRole;
  /** --draft: name of the method in FILES; undefined: the importer's default (e.g. the file's model_id) */
  draft?: string;
  /** --dataset: overrides what the importer infers from the file's path */
  dataset?: string;
  /** --temperature: overrides what the importer infers from the file name */
  temperature?: number;
}

/**
 * One measured trial of one cell, as read from a file. Per-request data (`records`) exists for
 * tools that write one line per question; aggregate-only tools set `figures` instead.
 */
export interface ImportedTrial {
  draft: string;
  /** 'vanilla' for a baseline; else the draft method */
  method: string;
  dataset: string;
  temperature: number;
  /** the file and lines the figures come from */
  origin: { file: string; lines: number[] };
  /** per question (all of its turns in one record), when the tool writes them */
  records: RequestRecord[] | null;
  /** wall time the tool measured for the trial's requests (sum of per-question generation times), null when not recorded */
  wallSeconds: number | null;
  /** questions in the trial, null when the tool does not record the count */
  requests: number | null;
  /** figures the tool wrote itself, keyed by prism-bench metric id (aggregate-only tools) */
  figures: Record<string, number>;
  /** the tool recorded this run as failed (with its error); it yields no figures */
  error?: string;
}

/** What an importer can and cannot give, per prism-bench metric id. */
export interface ImportCapabilities {
  /** metric id -> how it is obtained */
  metrics: Record<string, MetricOrigin>;
  /** metric id (or 'position_acceptance') -> why this tool's files cannot give it */
  unavailable: Record<string, string>;
}

export interface Importer {
  format: ImportFormat;
  /** the tool, as reports name it */
  tool: string;
  /** where the format was learned from (repository and files) */
  formatSource: string;
  /** engine label of the cells (one per tool: the tool ran the engine) */
  engine: string;
  /** reads one file; throws ImportError naming file, line and field */
  read(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[];
  /** capabilities, given the trials read (some fields are optional in the tool's format) */
  capabilities(trials: readonly ImportedTrial[]): ImportCapabilities;
}

/** Bad input: one line naming the file, the line or field, and the fix; the CLI exits 2. */
export class ImportError extends PrismInputError {
  override name = 'ImportError';
}
