import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  applyComputeCaps,
  NvidiaSmiParseError,
  parseComputeAppsQuery,
  parseComputeCapQuery,
  parseGpuQuery,
  parseSmiValue,
} from '../../src/hardware/nvidia.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('parseSmiValue maps nvidia-smi placeholders to null', () => {
  assert.equal(parseSmiValue(' 700.00 '), '700.00');
  for (const v of ['[N/A]', '[Not Supported]', '[Unknown Error]', '[Insufficient Permissions]', 'N/A', '', '  ', undefined]) {
    assert.equal(parseSmiValue(v), null, String(v));
  }
});

test('parseGpuQuery reads two GPUs', () => {
  const gpus = parseGpuQuery(fixture('gpu-query-two.csv'));
  assert.equal(gpus.length, 2);
  assert.deepEqual(gpus[0], {
    index: 0,
    uuid: 'GPU-3f1c2a9e-5b7d-4e21-8c6a-0d9e1f2a3b4c',
    name: 'NVIDIA H100 80GB HBM3',
    pciBusId: '00000000:18:00.0',
    driverVersion: '550.54.15',
    memoryTotalMiB: 81559,
    maxSmClockMHz: 1980,
    maxMemoryClockMHz: 2619,
    powerLimitW: 700,
    persistenceMode: true,
    computeCapability: null,
  });
  assert.equal(gpus[1].index, 1);
  assert.equal(gpus[1].pciBusId, '00000000:2A:00.0');
});

test('parseGpuQuery turns [N/A] and [Not Supported] into null', () => {
  const [a100, l4] = parseGpuQuery(fixture('gpu-query-na.csv'));
  assert.equal(a100.persistenceMode, false);
  assert.equal(a100.powerLimitW, 400);
  assert.equal(l4.name, 'NVIDIA L4');
  assert.equal(l4.memoryTotalMiB, 23034);
  assert.equal(l4.maxSmClockMHz, null);
  assert.equal(l4.maxMemoryClockMHz, null);
  assert.equal(l4.powerLimitW, null);
  assert.equal(l4.persistenceMode, null);
});

test('parseGpuQuery handles empty output and CRLF', () => {
  assert.deepEqual(parseGpuQuery(''), []);
  assert.deepEqual(parseGpuQuery('\n\n'), []);
  const crlf = fixture('gpu-query-two.csv').replace(/\n/g, '\r\n');
  assert.equal(parseGpuQuery(crlf).length, 2);
});

test('parseGpuQuery keeps fields aligned when a name contains a comma', () => {
  const [g] = parseGpuQuery('0, GPU-x, Odd, Name, 00000000:01:00.0, 550.54.15, 1024, 100, 200, 50.5, Enabled');
  assert.equal(g.name, 'Odd, Name');
  assert.equal(g.pciBusId, '00000000:01:00.0');
  assert.equal(g.powerLimitW, 50.5);
});

test('parseGpuQuery rejects malformed lines', () => {
  assert.throws(() => parseGpuQuery('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'), NvidiaSmiParseError);
  assert.throws(() => parseGpuQuery('x, GPU-x, n, b, d, 1, 2, 3, 4, Enabled'), NvidiaSmiParseError);
});

test('parseComputeCapQuery and applyComputeCaps', () => {
  assert.deepEqual(parseComputeCapQuery(fixture('compute-cap-two.csv')), ['9.0', '9.0']);
  assert.deepEqual(parseComputeCapQuery('8.0\n[N/A]\n'), ['8.0', null]);
  assert.deepEqual(parseComputeCapQuery(''), []);
  const gpus = parseGpuQuery(fixture('gpu-query-two.csv'));
  assert.equal(applyComputeCaps(gpus, ['9.0']), false);
  assert.equal(gpus[0].computeCapability, null);
  assert.equal(applyComputeCaps(gpus, ['9.0', '9.0']), true);
  assert.deepEqual(gpus.map((g) => g.computeCapability), ['9.0', '9.0']);
});

test('parseComputeAppsQuery reads the compute-app list', () => {
  assert.deepEqual(parseComputeAppsQuery(fixture('compute-apps.csv')), [
    { gpuUuid: 'GPU-3f1c2a9e-5b7d-4e21-8c6a-0d9e1f2a3b4c', pid: 48211, processName: '/usr/bin/python3', usedMemoryMiB: 70312 },
    { gpuUuid: 'GPU-3f1c2a9e-5b7d-4e21-8c6a-0d9e1f2a3b4c', pid: 48377, processName: '/opt/tritonserver/bin/tritonserver', usedMemoryMiB: 1024 },
    { gpuUuid: 'GPU-8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d', pid: 50102, processName: 'python', usedMemoryMiB: null },
  ]);
});

test('parseComputeAppsQuery: empty output, odd names, malformed lines', () => {
  assert.deepEqual(parseComputeAppsQuery(''), []);
  assert.deepEqual(parseComputeAppsQuery('No running processes found\n'), []);
  const [p] = parseComputeAppsQuery('GPU-x, 7, /tmp/a,b/run, my job, 12');
  assert.equal(p.processName, '/tmp/a,b/run, my job');
  assert.equal(p.usedMemoryMiB, 12);
  assert.throws(() => parseComputeAppsQuery('GPU-x, notapid, python, 12'), NvidiaSmiParseError);
});
