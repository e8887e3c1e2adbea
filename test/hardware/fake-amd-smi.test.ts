// Runs the AMD code against stand-in amd-smi and rocm-smi executables placed first on PATH (no AMD
// GPU on the test machines). Each answers only the exact commands prism-bench is meant to send and
// exits 2 on anything else, so a drift in flags fails these tests. Fixtures: fixtures/AMD-README.md.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectFingerprint } from '../../src/hardware/fingerprint.ts';
import { amdGpuProcesses, parseRocmSmiPids, queryAmdGpus } from '../../src/hardware/amd.ts';
import { allGpuProcesses } from '../../src/hardware/gpu-processes.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const NO_NVIDIA = { command: '/nonexistent/nvidia-smi' };

// FAKE_AMD_MODE: unset = healthy; no-driver = every call fails as amd-smi does without amdgpu loaded
const amdSmi = `#!/bin/sh
if [ "$FAKE_AMD_MODE" = no-driver ]; then echo "ERROR:root:Unable to detect any GPU devices, check amdgpu version and module status (sudo modprobe amdgpu)"; exit 255; fi
case "$*" in
  "static --json") cat '${fixture('amd-smi-static.json')}' ;;
  "list --json") cat '${fixture('amd-smi-list.json')}' ;;
  "process --json") cat '${fixture('amd-smi-process.json')}' ;;
  *) echo "amd-smi: error: unexpected arguments: $*" >&2; exit 2 ;;
esac
`;
const rocmSmi = `#!/bin/sh
case "$*" in
  "--showproductname --showmeminfo vram --showbus --showuniqueid --showdriverversion --json") cat '${fixture('rocm-smi-gpus.json')}' ;;
  "--showpids --json") cat '${fixture('rocm-smi-pids.json')}' ;;
  *) echo "rocm-smi: unexpected arguments: $*" >&2; exit 2 ;;
esac
`;

const savedPath = process.env.PATH;
let both = '', rocmOnly = '';
function bin(dir: string, name: string, text: string) {
  const f = join(dir, name);
  writeFileSync(f, text);
  chmodSync(f, 0o755);
}
before(() => {
  both = mkdtempSync(join(tmpdir(), 'prism-fake-amd-'));
  bin(both, 'amd-smi', amdSmi);
  bin(both, 'rocm-smi', rocmSmi);
  rocmOnly = mkdtempSync(join(tmpdir(), 'prism-fake-rocm-'));
  bin(rocmOnly, 'rocm-smi', rocmSmi);
});
after(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_AMD_MODE;
  rmSync(both, { recursive: true, force: true });
  rmSync(rocmOnly, { recursive: true, force: true });
});
const usePath = (dir: string) => { process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`; };

const MI300X = {
  vendor: 'amd', name: 'AMD Instinct MI300X', driverVersion: '6.8.5', memoryTotalMiB: 196592,
  maxSmClockMHz: null, maxMemoryClockMHz: null, persistenceMode: null, computeCapability: 'gfx942',
};

describe('amd-smi', () => {
  it('collectFingerprint reports the GPUs amd-smi lists, UUIDs from amd-smi list', async () => {
    usePath(both);
    delete process.env.FAKE_AMD_MODE;
    const fp = await collectFingerprint({ nvidiaSmi: NO_NVIDIA });
    assert.equal(fp.warnings, undefined);
    assert.deepEqual(fp.gpus, [
      { index: 0, uuid: 'a1ff74a1-0000-1000-80c1-a1b2c3d4e5f6', pciBusId: '0000:0c:00.0', powerLimitW: 750, ...MI300X },
      { index: 1, uuid: 'b2ff74a1-0000-1000-80c1-b2c3d4e5f607', pciBusId: '0000:22:00.0', powerLimitW: null, ...MI300X },
    ]);
  });
  it('the GPU-busy audit lists the processes on each GPU with their VRAM in MiB', async () => {
    usePath(both);
    const r = await allGpuProcesses(NO_NVIDIA);
    assert.deepEqual(r, { processes: [{ gpuUuid: 'amd-gpu-0', pid: 48213, processName: 'python3', usedMemoryMiB: 180000 }], warnings: [] });
  });
  it('a failing amd-smi (no amdgpu driver) falls back to rocm-smi and says why', async () => {
    usePath(both);
    process.env.FAKE_AMD_MODE = 'no-driver';
    try {
      const r = await queryAmdGpus();
      assert.equal(r.gpus.length, 2);
      assert.equal(r.gpus[0]!.name, 'AMD Instinct MI300X');
      assert.equal(r.warnings.length, 1);
      assert.match(r.warnings[0]!, /^amd-smi static failed: exit code 255: ERROR:root:Unable to detect any GPU devices/);
    } finally { delete process.env.FAKE_AMD_MODE; }
  });
});

describe('rocm-smi (no amd-smi on PATH)', () => {
  it('collectFingerprint reports the cards rocm-smi lists', async () => {
    usePath(rocmOnly);
    const fp = await collectFingerprint({ nvidiaSmi: NO_NVIDIA });
    assert.equal(fp.warnings, undefined);
    assert.deepEqual(fp.gpus, [
      { index: 0, uuid: '0xa1b2c3d4e5f60718', pciBusId: '0000:0C:00.0', powerLimitW: null, ...MI300X },
      { index: 1, uuid: '0xb2c3d4e5f6071829', pciBusId: '0000:22:00.0', powerLimitW: null, ...MI300X },
    ]);
  });
  it('the GPU-busy audit reads --showpids, names with spaces included', async () => {
    usePath(rocmOnly);
    const r = await amdGpuProcesses();
    assert.deepEqual(r.processes, [
      { gpuUuid: 'amd', pid: 48213, processName: 'python3', usedMemoryMiB: 180000 },
      { gpuUuid: 'amd', pid: 51002, processName: 'ray::worker vllm', usedMemoryMiB: 1 },
    ]);
  });
  it('"No KFD PIDs" (no system section) is no processes', () => {
    assert.deepEqual(parseRocmSmiPids('{}'), []);
  });
});

describe('neither tool installed', () => {
  it('no AMD GPUs and no warnings', async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'prism-empty-'));
    try {
      assert.deepEqual(await queryAmdGpus(), { gpus: [], warnings: [] });
      assert.deepEqual(await amdGpuProcesses(), { processes: [], warnings: [] });
    } finally { process.env.PATH = savedPath; }
  });
});
