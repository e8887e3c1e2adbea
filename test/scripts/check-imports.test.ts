// The import graph of src/ has no circles and keeps its layers (scripts/check-imports.mjs): the
// runner imports nothing from gate/ or report/, statistics nothing from the layers above it, the
// gate nothing from report/ but the formatting leaf. No circle is excused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(REPO, 'scripts', 'check-imports.mjs');

interface Report {
  modules: number;
  circles: { members: string[]; path: string[] }[];
  knownCircles: { members: string[]; path: string[]; label: string }[];
  violations: { from: string; to: string; rule: string }[];
}

function check(root: string): { code: number | null; report: Report; text: string } {
  const json = spawnSync(process.execPath, [SCRIPT, '--json', root], { encoding: 'utf8' });
  const text = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
  return { code: json.status, report: JSON.parse(json.stdout) as Report, text: text.stdout };
}

test('src/ has no import circle and breaks no layer rule', () => {
  const { code, report, text } = check(REPO);
  assert.ok(report.modules > 100, `read ${report.modules} modules`);
  assert.deepEqual(report.circles, [], text);
  assert.deepEqual(report.violations, [], text);
  assert.deepEqual(report.knownCircles, [], text);
  assert.equal(code, 0, text);
});

test('the checker finds a planted circle and a planted layer violation', () => {
  const root = mkdtempSync(join(tmpdir(), 'prism-imports-'));
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  };
  file('stats/a.ts', "import { b } from './b.ts';\nexport const a = () => b;\n");
  file('stats/b.ts', "import type { A } from './c.ts';\nexport const b = 1;\n");
  file('stats/c.ts', "export type { a as A } from './a.ts';\n");
  file('gate/compare.ts', 'export const x = 1;\n');
  file('runner/run.ts', "import {\n  x,\n} from '../gate/compare.ts';\n// import { y } from '../report/y.ts';\nexport const r = x;\n");
  const { code, report } = check(root);
  assert.equal(code, 1);
  assert.deepEqual(report.circles.map((c) => c.path), [['stats/a.ts', 'stats/b.ts', 'stats/c.ts', 'stats/a.ts']]);
  assert.deepEqual(report.violations.map((v) => `${v.from} -> ${v.to}`), ['runner/run.ts -> gate/compare.ts']);
});
