// The machine-state check on a pair of runs: load average per CPU, placement and clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMachineState } from '../../src/audit/machine.ts';
import { machineStateDifferences } from '../../src/hardware/state.ts';
import { currentCpuMHz } from '../../src/hardware/fingerprint.ts';
import type { StoredFingerprint } from '../../src/result/schema.ts';

const fp = (placement: Record<string, unknown>, logicalCores = 2): StoredFingerprint => ({ cpu: { logicalCores }, placement } as StoredFingerprint);
const at = (load: number, extra: Record<string, unknown> = {}) => fp({ cpuAffinity: [0, 1], pinned: false, loadAverage: [load, 1, 1], ...extra });

test('1-minute load more than 0.5 per CPU apart is a different state', () => {
  assert.deepEqual(machineStateDifferences(at(5.9), at(1.3)), ['1-minute load average 5.9 vs 1.3 (2.95 vs 0.65 per CPU, more than 0.5 apart)']);
  assert.deepEqual(machineStateDifferences(at(1.9), at(1.0)), [], '0.45 per CPU apart');
  assert.equal(machineStateDifferences(fp({ loadAverage: [9, 1, 1] }, 16), fp({ loadAverage: [2, 1, 1] }, 16)).length, 0, 'on 16 CPUs 7 is under 0.5 per CPU');
});

test('placement and clock differences; unrecorded state is no difference', () => {
  assert.deepEqual(machineStateDifferences(at(1, { cpuAffinity: [1], pinned: true }), at(1)), ['CPUs the harness could use [1] vs [0,1]']);
  assert.deepEqual(machineStateDifferences(at(1, { engineCpus: [1] }), at(1, { engineCpus: null })), ['engine CPUs [1] vs any']);
  assert.deepEqual(machineStateDifferences(at(1, { cpuMHz: 2096 }), at(1, { cpuMHz: 3000 })), ['CPU clock 2096 vs 3000 MHz (more than 10% apart)']);
  assert.deepEqual(machineStateDifferences(at(1, { cpuMHz: 2096 }), at(1, { cpuMHz: 2200 })), []);
  assert.deepEqual(machineStateDifferences(at(1, { cpuMHz: 2096 }), at(1)), []);
  assert.deepEqual(machineStateDifferences({} as StoredFingerprint, at(5)), []);
});

test('the audit: one warning per difference, saying the verdict is provisional', () => {
  const f = checkMachineState({ fingerprint: at(5.9) }, { fingerprint: at(1.3) });
  assert.equal(f.length, 1);
  assert.equal(f[0]!.check, 'machine');
  assert.equal(f[0]!.severity, 'warning');
  assert.match(f[0]!.message, /^machine state differs between the runs: 1-minute load average 5\.9 vs 1\.3 .* -- a verdict across these runs is provisional/);
});

test('the CPUs\' current clock from /proc/cpuinfo', () => {
  assert.equal(currentCpuMHz('processor\t: 0\ncpu MHz\t\t: 2000.5\nprocessor\t: 1\ncpu MHz\t\t: 2100.5\n'), 2051);
  assert.equal(currentCpuMHz('processor\t: 0\n'), null);
});
