// Shared helpers for the suite tests: temporary suite files and error-message assertions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SuiteError, displayPath } from '../../src/suite/index.ts';

let dir: string | undefined;
let counter = 0;

/** A fresh temporary folder, removed after the test file finishes. */
export function tempDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'prism-suite-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

/** Writes text to a new file in the temporary folder and returns its absolute path. */
export function writeTemp(text: string, ext = 'yaml', name?: string): string {
  const file = join(tempDir(), name ?? `suite-${++counter}.${ext}`);
  writeFileSync(file, text);
  return file;
}

/** The smallest valid suite body, to which a test appends the part under test. */
export const MINIMAL = 'engines:\n  - name: reference\ndrafts:\n  - name: vanilla\n    method: vanilla\n';

/**
 * Asserts fn throws a SuiteError whose message is one line of the form
 * `<file>: <path>: <problem> -- <fix>`, with the given path and a fix matching `fix`.
 */
export function assertSuiteError(fn: () => unknown, file: string, path: string, fix: RegExp, problem?: RegExp): SuiteError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a SuiteError at ${path}, but nothing was thrown`);
  assert.ok(caught instanceof SuiteError, `expected a SuiteError, got ${String(caught)}`);
  const e = caught;
  const msg = e.message;
  assert.ok(!/[\r\n]/.test(msg), `message should be one line: ${JSON.stringify(msg)}`);
  const prefix = `${displayPath(file)}: ${path}: `;
  assert.ok(msg.startsWith(prefix), `message should start with ${JSON.stringify(prefix)}: ${msg}`);
  assert.equal(e.path, path);
  const sep = msg.indexOf(' -- ');
  assert.ok(sep > prefix.length, `message should have " -- <fix>": ${msg}`);
  assert.match(msg.slice(sep + 4), fix, `fix part of: ${msg}`);
  if (problem) assert.match(msg.slice(prefix.length, sep), problem, `problem part of: ${msg}`);
  return e;
}
