// Teardown on a GPU, with real processes standing in for an engine and a stand-in nvidia-smi
// that lists as GPU processes the pids in a file that are still alive (the driver frees a
// context when its process is gone). It answers only the exact compute-apps query.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupPidsOnGpu, processGroup, waitGpuReleased } from '../../src/engines/gpu-release.ts';
import { COMPUTE_APPS_ARGS } from '../../src/hardware/nvidia.ts';

const dir = mkdtempSync(join(tmpdir(), 'prism-gpu-release-'));
const pidsFile = join(dir, 'pids');
const smi = join(dir, 'nvidia-smi');
writeFileSync(smi, `#!/bin/sh
if [ "$*" != "${COMPUTE_APPS_ARGS.join(' ')}" ]; then echo "unexpected arguments: $*" >&2; exit 2; fi
for pid in $(cat '${pidsFile}'); do
  if kill -0 "$pid" 2>/dev/null; then echo "GPU-1f6a2c9e-0000-0000-0000-000000000000, $pid, python3, 20480"; fi
done
`);
chmodSync(smi, 0o755);
const SMI = { command: smi };

/** A stand-in engine: a process leading its own group, with one child in the same group (as vLLM's engine core). */
function engine(): { leader: ChildProcess; childPid: Promise<number> } {
  const leader = spawn(process.execPath, ['-e', `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(c.pid);
    setInterval(() => {}, 1000);
  `], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const childPid = new Promise<number>((resolve) => leader.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
  return { leader, childPid };
}
const killGroup = (pid: number) => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } };
const started: number[] = [];
after(() => { for (const p of started) killGroup(p); });

describe('waiting for a stopped engine to release the GPU', () => {
  it("finds the engine's GPU processes by process group, not other processes on the GPU", async () => {
    const e = engine();
    started.push(e.leader.pid!);
    const child = await e.childPid;
    assert.equal(processGroup(child), e.leader.pid);
    writeFileSync(pidsFile, `${e.leader.pid} ${child} ${process.pid}\n`);
    assert.deepEqual((await groupPidsOnGpu(e.leader.pid!, SMI)).sort(), [e.leader.pid, child].sort());
  });

  it('returns once the processes are gone, and gives up with a message naming what is left', async () => {
    const e = engine();
    started.push(e.leader.pid!);
    const child = await e.childPid;
    writeFileSync(pidsFile, `${e.leader.pid} ${child}\n`);
    const pids = await groupPidsOnGpu(e.leader.pid!, SMI);
    assert.equal(pids.length, 2);
    const held = await waitGpuReleased(pids, { timeoutMs: 600, pollMs: 100, smi: SMI, label: 'engine vllm/eagle3' });
    assert.equal(held.released, false);
    assert.ok(held.waitedMs >= 600);
    assert.match(held.message, new RegExp(`^GPU memory of engine vllm/eagle3 not released 1 s after it stopped: pid ${e.leader.pid} \\(20480 MiB\\), pid ${child} \\(20480 MiB\\) still on the GPU`));
    // the engine stops half a second later; the wait sees the memory freed
    setTimeout(() => killGroup(e.leader.pid!), 500);
    const freed = await waitGpuReleased(pids, { timeoutMs: 10_000, pollMs: 100, smi: SMI });
    assert.equal(freed.released, true);
    assert.ok(freed.waitedMs >= 400, `waited ${freed.waitedMs} ms`);
  });

  it('without nvidia-smi there is nothing to wait for', async () => {
    assert.deepEqual(await groupPidsOnGpu(process.pid, { command: join(dir, 'no-such-nvidia-smi') }), []);
  });
});
