import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuName, fingerprintSummary, renderFingerprint } from '../../src/hardware/render.ts';
import { h100, makeFingerprint } from './helpers.ts';

test('renderFingerprint: one line each for CPU, memory, OS, Node and every GPU', () => {
  const text = renderFingerprint(makeFingerprint());
  assert.equal(
    text,
    [
      'CPU:    AMD EPYC 7B13 (model 1), 32 cores / 64 threads, 2.45 GHz',
      'Memory: 251.5 GiB',
      'OS:     Ubuntu 22.04.4 LTS, linux x64, kernel 5.15.0-105-generic (host bench-a)',
      'Node:   v20.19.2',
      'GPU 0:  NVIDIA H100 80GB HBM3, 79.6 GiB, cc 9.0, driver 550.54.15, max SM 1980 / mem 2619 MHz, power limit 700 W, persistence on',
      'GPU 1:  NVIDIA H100 80GB HBM3, 79.6 GiB, cc 9.0, driver 550.54.15, max SM 1980 / mem 2619 MHz, power limit 700 W, persistence on',
    ].join('\n'),
  );
});

test('renderFingerprint: no GPU, unknown GPU values, engine and warnings', () => {
  const none = renderFingerprint(makeFingerprint({ gpus: [], warnings: ['nvidia-smi --query-gpu=... failed: exit code 9'] }));
  assert.match(none, /^GPUs:   none detected$/m);
  assert.match(none, /^Warning: nvidia-smi --query-gpu=\.\.\. failed: exit code 9$/m);

  const sparse = h100(0, { name: 'NVIDIA L4', memoryTotalMiB: 23034, maxSmClockMHz: null, maxMemoryClockMHz: null, powerLimitW: null, persistenceMode: null, computeCapability: null });
  const text = renderFingerprint(makeFingerprint({ gpus: [sparse], engine: { name: 'vllm', version: '0.6.3' } }));
  assert.match(text, /^GPU 0:  NVIDIA L4, 22\.5 GiB, driver 550\.54\.15$/m);
  assert.match(text, /^Engine: vllm 0\.6\.3$/m);
});

test('cpuName does not repeat the vendor', () => {
  const fp = makeFingerprint();
  assert.equal(cpuName(fp), 'AMD EPYC 7B13');
  assert.equal(cpuName({ ...fp, cpu: { ...fp.cpu, brand: 'AMD EPYC 7B13' } }), 'AMD EPYC 7B13');
  assert.equal(cpuName({ ...fp, cpu: { ...fp.cpu, manufacturer: '', brand: '' } }), 'unknown CPU');
});

test('fingerprintSummary is one line', () => {
  assert.equal(fingerprintSummary(makeFingerprint()), 'AMD EPYC 7B13 32C/64T, 251 GiB, linux x64, Node 20, 2x NVIDIA H100 80GB HBM3 (driver 550.54.15)');
  const mixed = makeFingerprint({ gpus: [h100(0), h100(1, { name: 'NVIDIA H200', driverVersion: '560.35.03' })], engine: { name: 'sglang', version: '0.4.1' } });
  assert.equal(fingerprintSummary(mixed), 'AMD EPYC 7B13 32C/64T, 251 GiB, linux x64, Node 20, 1x NVIDIA H100 80GB HBM3 + 1x NVIDIA H200, sglang 0.4.1');
  assert.match(fingerprintSummary(makeFingerprint({ gpus: [] })), /, no GPU$/);
  assert.ok(!fingerprintSummary(makeFingerprint()).includes('\n'));
});
