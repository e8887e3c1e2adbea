import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFindings, severityCounts } from '../../src/audit/groups.ts';
import type { AuditFinding } from '../../src/result/schema.ts';

const f = (check: string, severity: AuditFinding['severity'], cell?: string): AuditFinding => (cell === undefined ? { check, severity, message: `${check} ${cell ?? ''}` } : { check, severity, cell, message: `${check} ${cell}` });

test('findings fold into one group per severity and check, errors first, checks in the audit order', () => {
  const groups = groupFindings([
    f('noise', 'info', 'c2'), f('noise', 'info', 'c1'), f('noise', 'info', 'c1'),
    f('noise', 'warning', 'c3'), f('lossless', 'error', 'c4'), f('temperature', 'warning'),
    f('failed', 'warning', 'c9'),
  ]);
  assert.deepEqual(groups.map((g) => `${g.severity}:${g.check}:${g.findings.length}`), [
    'error:lossless:1', 'warning:failed:1', 'warning:temperature:1', 'warning:noise:1', 'info:noise:3',
  ]);
  const notes = groups.at(-1)!;
  assert.deepEqual(notes.cells, ['c1', 'c2']);
  assert.equal(notes.runWide, 0);
  assert.equal(groups[2]!.runWide, 1);
  assert.deepEqual(groups[2]!.cells, []);
});

test('severityCounts counts each severity', () => {
  assert.deepEqual(severityCounts([f('noise', 'info'), f('noise', 'info'), f('lossless', 'error')]), { error: 1, warning: 0, info: 2 });
  assert.deepEqual(groupFindings([]), []);
});
