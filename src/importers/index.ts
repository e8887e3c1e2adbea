// The importers, one per tool, behind one interface; importFiles reads the inputs, records their
// provenance and builds the result; writeImport saves it as a result directory.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveResult } from '../result/store.ts';
import type { ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { eagleImporter } from './eagle.ts';
import { specBenchImporter } from './spec-bench.ts';
import { prismAeImporter } from './prism-ae.ts';
import { buildResult, type ImportedFile } from './build.ts';
import { IMPORT_FORMATS, ImportError, type ImportContext, type ImportedTrial, type ImportFormat, type Importer, type ImportInput } from './types.ts';
import { errnoCode } from '../errors.ts';

export { IMPORT_FORMATS, ImportError, type ImportFormat, type Importer } from './types.ts';

export const IMPORTERS: Record<ImportFormat, Importer> = {
  eagle: eagleImporter,
  'spec-bench': specBenchImporter,
  'prism-ae': prismAeImporter,
};

export function isImportFormat(s: string): s is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(s);
}

const RANGES = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** "FILE" or "FILE:3-9,12" (a line selection, used when FILE itself does not exist under that name). */
export function parseInput(arg: string): ImportInput {
  const i = arg.lastIndexOf(':');
  if (i <= 0 || existsSync(arg) || !RANGES.test(arg.slice(i + 1))) return { path: arg };
  const lines = arg.slice(i + 1).split(',').map((r): [number, number] => {
    const [a, b = a] = r.split('-').map(Number);
    if (a < 1 || b < a) throw new ImportError(`${arg}: line selection '${r}' is not a range FIRST-LAST with 1 <= FIRST <= LAST -- write e.g. ${arg.slice(0, i)}:1-7`);
    return [a, b];
  });
  return { path: arg.slice(0, i), lines };
}

export interface ImportRequest {
  format: ImportFormat;
  /** the method's files */
  inputs: ImportInput[];
  /** the vanilla (no speculation) run's files of the same tool */
  baselines: ImportInput[];
  draft?: string;
  dataset?: string;
  temperature?: number;
}

function readInput(input: ImportInput): { text: string; file: Omit<ImportedFile, 'role'> } {
  let buf: Buffer;
  try {
    buf = readFileSync(input.path);
  } catch (e) {
    throw new ImportError(`${input.path}: cannot read (${errnoCode(e) ?? String(e)}) -- pass the output file the tool wrote`);
  }
  return {
    text: buf.toString('utf8'),
    file: {
      path: input.path,
      sha256: createHash('sha256').update(buf).digest('hex'),
      bytes: buf.length,
      ...(input.lines ? { lines: input.lines.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',') } : {}),
    },
  };
}

const overlap = (a: ImportInput, b: ImportInput): boolean =>
  a.lines === undefined || b.lines === undefined || a.lines.some(([a1, a2]) => b.lines!.some(([b1, b2]) => a1 <= b2 && b1 <= a2));

/**
 * The same content given twice (the same path, or a copy: the same sha256) would count one run's
 * measurements as two trials; distinct line selections of one file are distinct runs and pass.
 */
function refuseRepeat(seen: ReadonlyArray<{ input: ImportInput; sha256: string }>, input: ImportInput, sha256: string): void {
  const twin = seen.find((s) => s.sha256 === sha256 && overlap(s.input, input));
  if (!twin) return;
  const same = twin.input.path === input.path ? 'is given twice' : `has the same content as ${twin.input.path}`;
  throw new ImportError(`${input.path}: ${same} (sha256 ${sha256.slice(0, 12)}...)${input.lines || twin.input.lines ? ' in overlapping line selections' : ''}, so one run would count as two trials -- give each run's file once${twin.input.path === input.path ? '' : ', or remove the copy'}`);
}

/** Reads every input with the format's importer and builds the result. */
export function importFiles(req: ImportRequest): { result: ResultFile; records: RequestRecord[] } {
  const importer = IMPORTERS[req.format];
  const trials: ImportedTrial[] = [];
  const files: ImportedFile[] = [];
  const base: Omit<ImportContext, 'role'> = { draft: req.draft, dataset: req.dataset, temperature: req.temperature };
  const seen: Array<{ input: ImportInput; sha256: string }> = [];
  for (const [role, list] of [['baseline', req.baselines], ['method', req.inputs]] as const) {
    for (const input of list) {
      const { text, file } = readInput(input);
      refuseRepeat(seen, input, file.sha256);
      seen.push({ input, sha256: file.sha256 });
      trials.push(...importer.read(input, text, { ...base, role }));
      files.push({ ...file, role });
    }
  }
  const { result, records } = buildResult({ importer, trials, files });
  return { result, records };
}

/** Writes DIR/result.json and, where the tool wrote per-question data, DIR/requests.jsonl. */
export function writeImport(dir: string, result: ResultFile, records: RequestRecord[]): string {
  if (existsSync(join(dir, 'result.json'))) {
    throw new ImportError(`${join(dir, 'result.json')}: already exists -- choose a new --out directory (an import never overwrites a result)`);
  }
  mkdirSync(dir, { recursive: true });
  if (records.length > 0) writeFileSync(join(dir, 'requests.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return saveResult(dir, result);
}
