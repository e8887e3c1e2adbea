import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { placed, placementProblem, resolveEngineCpus, allowedCpus } from '../../src/engines/placement.ts';
import { parseCpuList } from '../../src/hardware/fingerprint.ts';

const plan = { command: ['node', 'serve.js', '--port', '8000'], env: {}, ready: 'GET /health' };
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

describe('engine placement', () => {
  it('reads kernel CPU lists', () => {
    assert.deepEqual(parseCpuList('0-3,6'), [0, 1, 2, 3, 6]);
    assert.deepEqual(parseCpuList('1'), [1]);
  });
  it('resolves last to the last CPU the harness may use, and lists to sorted distinct CPUs', () => {
    assert.deepEqual(resolveEngineCpus('last', [0, 1, 5]), [5]);
    assert.deepEqual(resolveEngineCpus([3, 1, 3], [0, 1, 2, 3]), [1, 3]);
    assert.equal(resolveEngineCpus(null), null);
  });
  it('runs the command under taskset only when engines are pinned', () => {
    assert.deepEqual(placed(plan, { engineCpus: null }), plan);
    const last = allowedCpus().at(-1);
    assert.deepEqual(placed(plan, { engineCpus: 'last' }).command, ['taskset', '-c', String(last), ...plan.command]);
    assert.deepEqual(placed(plan, { engineCpus: [0] }).command.slice(0, 3), ['taskset', '-c', '0']);
  });
  it('names CPUs the machine does not let the harness use', { skip: !hasTaskset && 'taskset is not installed' }, () => {
    assert.equal(placementProblem(null, [0, 1]), null);
    assert.equal(placementProblem('last', [0, 1]), null);
    assert.equal(placementProblem([1], [0, 1]), null);
    const p = placementProblem([0, 7], [0, 1]);
    assert.match(p?.problem ?? '', /CPU 7 is not one this machine lets the harness use \(it may use 0, 1\)/);
    assert.match(p?.fix ?? '', /list CPUs among 0, 1, or write last/);
  });
  it('pins a real process: taskset -c confines it to the CPU named', { skip: !hasTaskset && 'taskset is not installed' }, () => {
    const cpu = allowedCpus().at(-1) as number;
    const p = placed({ command: ['sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], env: {}, ready: '' }, { engineCpus: 'last' });
    const r = spawnSync(p.command[0] as string, p.command.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Cpus_allowed_list:\\s*${cpu}\\s*$`));
  });
});
