// Shared by the importer tests: fixture paths, importing in process, and writing bad inputs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles, parseInput, type ImportFormat } from '../../src/importers/index.ts';
import type { Cell, ResultFile } from '../../src/result/schema.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (p: string): string => join(FIXTURES, p);

/** The shared PRISM-artifact client logs beside the project (absent in a user's fresh clone). */
export const SHARED_LOGS = fileURLToPath(new URL('../../../shared/datasets/prism-ae-client-logs/', import.meta.url));

export function runImport(format: ImportFormat, inputs: string[], baselines: string[] = [], more: { draft?: string; dataset?: string; temperature?: number } = {}): ResultFile {
  return importFiles({ format, inputs: inputs.map(parseInput), baselines: baselines.map(parseInput), ...more }).result;
}

export function cell(result: ResultFile, id: string): Cell {
  const c = result.cells.find((x) => x.id === id);
  if (!c) throw new Error(`no cell ${id}; cells: ${result.cells.map((x) => x.id).join(', ')}`);
  return c;
}

/** Writes `text` to a temp dir as NAME (folders allowed) and returns its path. */
export function tempFile(t: { after: (fn: () => void) => void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'prism-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

export const close = (actual: number, expected: number, eps = 1e-9): boolean => Math.abs(actual - expected) <= eps * Math.max(1, Math.abs(expected));
