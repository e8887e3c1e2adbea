import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintDifferences, nodeMajor, totalMemoryGiB } from '../../src/hardware/compare.ts';
import { h100, makeFingerprint } from './helpers.ts';

test('identical fingerprints are comparable', () => {
  assert.deepEqual(fingerprintDifferences(makeFingerprint(), makeFingerprint()), []);
});

test('identity, time, OS patch level, node minor and tiny memory differences are ignored', () => {
  const a = makeFingerprint();
  const b = makeFingerprint({
    hostname: 'bench-b',
    collectedAt: '2025-06-01T12:00:00.000Z',
    node: { version: 'v20.11.0' },
    memory: { totalBytes: a.memory.totalBytes + 50 * 2 ** 20 }, // 251.46 GiB vs 251.51 GiB: straddles a rounding boundary
    os: { ...a.os, kernel: '5.15.0-119-generic', release: '22.04.5 LTS' },
    cpu: { ...a.cpu, speedGHz: 3.1 },
    gpus: [h100(0, { uuid: 'GPU-other-0', pciBusId: '00000000:9A:00.0', persistenceMode: false }), h100(1, { uuid: 'GPU-other-1' })],
    warnings: ['something'],
  });
  assert.deepEqual(fingerprintDifferences(a, b), []);
});

test('CPU, memory, arch and node major differences are listed', () => {
  const a = makeFingerprint();
  const b = makeFingerprint({
    cpu: { manufacturer: 'Intel', brand: 'Xeon Platinum 8480+', model: '143', physicalCores: 56, logicalCores: 112, speedGHz: 2 },
    memory: { totalBytes: 512 * 2 ** 30 },
    os: { ...a.os, arch: 'arm64' },
    node: { version: 'v22.3.0' },
  });
  assert.deepEqual(fingerprintDifferences(a, b), [
    "cpu.manufacturer: 'AMD' vs 'Intel'",
    "cpu.brand: 'EPYC 7B13' vs 'Xeon Platinum 8480+'",
    "cpu.model: '1' vs '143'",
    'cpu.physicalCores: 32 vs 56',
    'cpu.logicalCores: 64 vs 112',
    'memory.totalGiB: 251 vs 512',
    "os.arch: 'x64' vs 'arm64'",
    'node.major: 20 vs 22',
  ]);
});

test('GPU count and per-GPU differences are listed', () => {
  const a = makeFingerprint();
  const fewer = makeFingerprint({ gpus: [h100(0)] });
  assert.deepEqual(fingerprintDifferences(a, fewer), ['gpus.count: 2 vs 1']);

  const b = makeFingerprint({
    gpus: [h100(0, { driverVersion: '560.35.03', powerLimitW: 500 }), h100(1, { name: 'NVIDIA H200', memoryTotalMiB: 143771, maxMemoryClockMHz: 3201, maxSmClockMHz: null })],
  });
  assert.deepEqual(fingerprintDifferences(a, b), [
    "gpus[0].driverVersion: '550.54.15' vs '560.35.03'",
    'gpus[0].powerLimitW: 700 vs 500',
    "gpus[1].name: 'NVIDIA H100 80GB HBM3' vs 'NVIDIA H200'",
    'gpus[1].memoryTotalMiB: 81559 vs 143771',
    'gpus[1].maxSmClockMHz: 1980 vs unknown',
    'gpus[1].maxMemoryClockMHz: 2619 vs 3201',
  ]);
  assert.deepEqual(fingerprintDifferences(makeFingerprint({ gpus: [] }), makeFingerprint({ gpus: [] })), []);
});

test('engine is compared only when both sides recorded one', () => {
  const vllm = (version: string) => makeFingerprint({ engine: { name: 'vllm', version } });
  assert.deepEqual(fingerprintDifferences(vllm('0.6.3'), makeFingerprint()), []);
  assert.deepEqual(fingerprintDifferences(vllm('0.6.3'), vllm('0.6.3')), []);
  assert.deepEqual(fingerprintDifferences(vllm('0.6.3'), vllm('0.7.0')), ["engine.version: '0.6.3' vs '0.7.0'"]);
});

test('memory is compared in whole GiB', () => {
  const gib = (n: number) => makeFingerprint({ memory: { totalBytes: n * 2 ** 30 } });
  assert.deepEqual(fingerprintDifferences(gib(251.2), gib(251.4)), []);
  assert.deepEqual(fingerprintDifferences(gib(251.2), gib(251.8)), ['memory.totalGiB: 251 vs 252']);
  assert.deepEqual(fingerprintDifferences(gib(24), gib(32)), ['memory.totalGiB: 24 vs 32']);
});

test('helpers', () => {
  assert.equal(totalMemoryGiB(25_276_514_304), 24);
  assert.equal(nodeMajor('v20.19.2'), 20);
  assert.equal(nodeMajor('22.1.0'), 22);
  assert.equal(nodeMajor('weird'), null);
});
