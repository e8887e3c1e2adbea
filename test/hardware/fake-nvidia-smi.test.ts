// Runs the process-facing code against a stand-in nvidia-smi placed first on PATH (no real GPU
// on the test machines). The stand-in answers only the exact queries prism-bench is meant to
// send and exits 2 on anything else, as nvidia-smi does, so a drift in flags fails these tests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectFingerprint } from '../../src/hardware/fingerprint.ts';
import { gpuProcesses, queryGpus } from '../../src/hardware/nvidia.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

// Modes (FAKE_NVIDIA_SMI_MODE): unset = healthy two-GPU box; old-driver = rejects compute_cap;
// no-driver = every call fails like nvidia-smi without a loaded kernel module; hang = never answers.
const script = `#!/bin/sh
case "$FAKE_NVIDIA_SMI_MODE" in
  no-driver)
    echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
    exit 9 ;;
  hang) exec sleep 30 ;;
esac
if [ "$#" -ne 2 ] || [ "$2" != "--format=csv,noheader,nounits" ]; then
  echo "fake nvidia-smi: unexpected arguments: $*" >&2
  exit 2
fi
case "$1" in
  --query-gpu=index,uuid,name,pci.bus_id,driver_version,memory.total,clocks.max.sm,clocks.max.memory,power.limit,persistence_mode)
    cat '${fixture('gpu-query-two.csv')}' ;;
  --query-gpu=compute_cap)
    if [ "$FAKE_NVIDIA_SMI_MODE" = old-driver ]; then
      echo 'Field "compute_cap" is not a valid field to query.' >&2
      echo "Run 'nvidia-smi --help-query-gpu' for usage." >&2
      exit 2
    fi
    cat '${fixture('compute-cap-two.csv')}' ;;
  --query-compute-apps=gpu_uuid,pid,process_name,used_memory)
    cat '${fixture('compute-apps.csv')}' ;;
  *)
    echo "fake nvidia-smi: unknown query: $1" >&2
    exit 2 ;;
esac
`;

let dir = '';
const savedPath = process.env.PATH;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'prism-fake-smi-'));
  const exe = join(dir, 'nvidia-smi');
  writeFileSync(exe, script);
  chmodSync(exe, 0o755);
  process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
});

after(() => {
  process.env.PATH = savedPath;
  delete process.env.FAKE_NVIDIA_SMI_MODE;
  rmSync(dir, { recursive: true, force: true });
});

function withMode(mode: string | undefined): void {
  if (mode === undefined) delete process.env.FAKE_NVIDIA_SMI_MODE;
  else process.env.FAKE_NVIDIA_SMI_MODE = mode;
}

test('collectFingerprint reports the GPUs nvidia-smi lists', async () => {
  withMode(undefined);
  const fp = await collectFingerprint();
  assert.equal(fp.warnings, undefined);
  assert.equal(fp.gpus.length, 2);
  assert.deepEqual(fp.gpus.map((g) => g.index), [0, 1]);
  assert.deepEqual(fp.gpus[0], {
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
    computeCapability: '9.0',
  });
  assert.equal(fp.gpus[1].computeCapability, '9.0');
  assert.ok(fp.cpu.logicalCores > 0);
});

test('gpuProcesses reports the compute apps', async () => {
  withMode(undefined);
  const { processes, warnings } = await gpuProcesses();
  assert.deepEqual(warnings, []);
  assert.equal(processes.length, 3);
  assert.deepEqual(processes[0], { gpuUuid: 'GPU-3f1c2a9e-5b7d-4e21-8c6a-0d9e1f2a3b4c', pid: 48211, processName: '/usr/bin/python3', usedMemoryMiB: 70312 });
  assert.equal(processes[2].usedMemoryMiB, null);
});

test('a driver without compute_cap keeps the GPUs and warns', async () => {
  withMode('old-driver');
  const { gpus, warnings } = await queryGpus();
  assert.equal(gpus.length, 2);
  assert.deepEqual(gpus.map((g) => g.computeCapability), [null, null]);
  assert.equal(gpus[0].name, 'NVIDIA H100 80GB HBM3');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /compute_cap.*exit code 2: Field "compute_cap" is not a valid field/);
});

test('a failing nvidia-smi gives no GPUs and a warning in the fingerprint', async () => {
  withMode('no-driver');
  const fp = await collectFingerprint();
  assert.deepEqual(fp.gpus, []);
  assert.equal(fp.warnings?.length, 1);
  assert.match(fp.warnings![0], /exit code 9: NVIDIA-SMI has failed because it couldn't communicate/);
  const procs = await gpuProcesses();
  assert.deepEqual(procs.processes, []);
  assert.equal(procs.warnings.length, 1);
});

test('a hanging nvidia-smi is cut off by the timeout', async () => {
  withMode('hang');
  const t0 = performance.now();
  const { gpus, warnings } = await queryGpus({ timeoutMs: 300 });
  assert.ok(performance.now() - t0 < 5000);
  assert.deepEqual(gpus, []);
  assert.match(warnings[0], /timed out after 300 ms/);
});

test('an absent nvidia-smi is silent', async () => {
  withMode(undefined);
  const r = await queryGpus({ command: join(dir, 'no-such-nvidia-smi') });
  assert.deepEqual(r, { gpus: [], warnings: [] });
  assert.deepEqual(await gpuProcesses({ command: join(dir, 'no-such-nvidia-smi') }), { processes: [], warnings: [] });
});
