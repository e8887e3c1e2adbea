// The import graph of src/ has no circles and keeps its layers (scripts/check-imports.mjs): the
// runner imports nothing from gate/ or report/, statistics nothing from the layers above it, the
// gate nothing from report/ but the formatting leaf. No circle is excused. The harness and the
// reference engine's package keep to their boundary.
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

test('the checker keeps the boundary with the reference engine\'s package, both ways, dynamic imports included', () => {
  const root = mkdtempSync(join(tmpdir(), 'prism-imports-'));
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  file('src/engines/ok.ts', "import { TARGET_DIR } from '@prism-bench/reference-engine/contract';\nexport const t = TARGET_DIR;\n");
  file('src/engines/main-entry.ts', "import { serve } from '@prism-bench/reference-engine';\nexport const s = serve;\n");
  file('src/cli/files.ts', "export const f = async () => import('@prism-bench/reference-engine/files');\n");
  file('src/cli/by-path.ts', "export { serve } from '../../packages/reference-engine/src/index.ts';\n");
  file('src/cli/actions/serve.ts', "import { serve } from '@prism-bench/reference-engine';\nexport const s = serve;\n");
  file('src/cli/serve.ts', "import type { X } from './actions/serve.ts';\nexport const lazy = async () => (await import('./actions/serve.ts')).s;\nexport type Y = X;\n");
  file('src/cli/eager.ts', "import { s } from './actions/serve.ts';\nexport const e = s;\n");
  file('packages/reference-engine/src/index.ts', "import { EXIT } from '../../../src/errors.ts';\nexport const serve = EXIT;\n");
  file('packages/reference-engine/test/a.test.ts', "await import('../../../src/cli/files.ts');\nimport 'prism-bench/x';\n");
  const { code, report } = check(root);
  assert.equal(code, 1);
  assert.deepEqual(report.violations.map((v) => `${v.from} -> ${v.to}`).sort(), [
    'packages/reference-engine/src/index.ts -> src/errors.ts',
    'packages/reference-engine/test/a.test.ts -> prism-bench/x',
    'packages/reference-engine/test/a.test.ts -> src/cli/files.ts',
    'src/cli/by-path.ts -> packages/reference-engine/src/index.ts',
    'src/cli/eager.ts -> src/cli/actions/serve.ts',
    'src/cli/files.ts -> @prism-bench/reference-engine/files',
    'src/engines/main-entry.ts -> @prism-bench/reference-engine',
  ]);
});
