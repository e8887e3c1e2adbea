// Shared by the report tests: the hand-built fixture, golden-file comparison, a tiny RFC 4180 parser.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { loadResult } from '../../src/result/store.ts';
import type { ResultFile } from '../../src/result/schema.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/results/', import.meta.url));

/** A fresh copy of test/fixtures/results/small.json, validated. */
export function smallResult(): ResultFile {
  return loadResult(`${FIXTURES}small.json`);
}

/** Byte-for-byte comparison with a golden file; UPDATE_GOLDEN=1 rewrites it instead (then review the diff). */
export function assertGolden(actual: string, name: string): void {
  const path = `${FIXTURES}${name}`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  const expected = readFileSync(path, 'utf8');
  assert.equal(actual, expected, `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
}

/** RFC 4180: fields split by commas, records by CRLF or LF; quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let atFieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i += 1; continue; }
      field += c; i += 1; continue;
    }
    if (c === '"' && atFieldStart) { quoted = true; atFieldStart = false; i += 1; continue; }
    if (c === '"') throw new Error(`bare quote inside an unquoted field at offset ${i}`);
    if (c === ',') { row.push(field); field = ''; atFieldStart = true; i += 1; continue; }
    if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      row.push(field); rows.push(row); row = []; field = ''; atFieldStart = true;
      i += c === '\r' ? 2 : 1;
      continue;
    }
    field += c; atFieldStart = false; i += 1;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (!atFieldStart || field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
