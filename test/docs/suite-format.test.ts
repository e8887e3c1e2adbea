// docs/suite-format.md states the reference target's context and shows the error a too-long
// maxNewTokens gets: both must be what the shipped model and the suite check say (issue 26).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSuite } from '../../src/suite/index.ts';
import { checkSuiteEngines } from '../../src/engines/check.ts';
import { writeTemp } from '../suite/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs', 'suite-format.md'), 'utf8');

test("suite-format.md gives the shipped target's context, and the check's own message for a maxNewTokens that does not fit", () => {
  const context = (JSON.parse(readFileSync(join(ROOT, 'models', 'target', 'manifest.json'), 'utf8')) as { config: { maxContext: number } }).config.maxContext;
  const stated = /the reference target's is (\d+) tokens/.exec(DOC);
  assert.ok(stated, "the maxNewTokens row names the reference target's context");
  assert.equal(Number(stated[1]), context);
  const shown = /^suites\/x\.yaml: (settings\.maxNewTokens: .*)$/m.exec(DOC);
  assert.ok(shown, 'the examples show a maxNewTokens that does not fit');
  const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nsettings: {maxNewTokens: 5000}\n');
  assert.throws(() => checkSuiteEngines(loadSuite(file)), (e: Error) => e.message.endsWith(`: ${shown[1]}`) || assert.fail(`${e.message}\n  vs the doc: ${shown[1]}`));
});
