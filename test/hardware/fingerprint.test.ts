// collectFingerprint on the machine running the tests. Where no nvidia-smi is on PATH (as on CI
// and dev boxes without GPUs) the GPU list must be empty and no warning raised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { collectFingerprint } from '../../src/hardware/fingerprint.ts';

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// How fast it is (`hw --json`, under a second here) is a benchmark's figure (npm run bench:loops),
// not a test's: test files run side by side, and a wall-clock bound measured what ran beside it.
// The timeout only catches a probe that hangs.
test('collectFingerprint describes this machine', { timeout: 30_000 }, async () => {
  const fp = await collectFingerprint();

  assert.ok(fp.cpu.physicalCores > 0);
  assert.ok(fp.cpu.logicalCores >= fp.cpu.physicalCores);
  assert.equal(typeof fp.cpu.brand, 'string');
  assert.equal(typeof fp.cpu.model, 'string');
  assert.ok(fp.memory.totalBytes > 0);
  assert.equal(fp.os.platform, process.platform);
  assert.equal(fp.os.arch, process.arch);
  assert.equal(fp.node.version, process.version);
  assert.ok(fp.hostname.length > 0);
  assert.ok(!Number.isNaN(Date.parse(fp.collectedAt)));
  assert.equal(new Date(fp.collectedAt).toISOString(), fp.collectedAt);
  assert.equal(fp.engine, undefined);
  if (!onPath('nvidia-smi')) {
    assert.deepEqual(fp.gpus, []);
    assert.equal(fp.warnings, undefined);
  }
  // survives a JSON round trip unchanged (it is stored in result files)
  assert.deepEqual(JSON.parse(JSON.stringify(fp)), fp);
});

test('parseCpuList reads Linux CPU lists', async () => {
  const { parseCpuList } = await import('../../src/hardware/fingerprint.ts');
  assert.deepEqual(parseCpuList('0-3,6\n'), [0, 1, 2, 3, 6]);
  assert.deepEqual(parseCpuList('1'), [1]);
});
