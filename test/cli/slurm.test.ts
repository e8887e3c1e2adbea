// `slurm submit`, `merge` and `run --shard` refuse bad input before anything is written or
// submitted: exit 2, one line naming the flag or file and the fix. `slurm submit --print` needs no
// Slurm: it writes the sweep's manifest and scripts (valid bash) and submits nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeTemp } from '../suite/helpers.ts';
import { readManifest } from '../../src/sweep/manifest.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const SUITE = writeTemp(`version: 1
name: cli-sweep
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat, code, math]
`);
// a PATH with node and nothing else: no sbatch, squeue or sacct
const NODE_ONLY = join(tempDir(), 'node-only-bin');
mkdirSync(NODE_ONLY, { recursive: true });
if (!existsSync(join(NODE_ONLY, 'node'))) symlinkSync(process.execPath, join(NODE_ONLY, 'node'));
const NO_SLURM = { ...process.env, PATH: NODE_ONLY };

function cli(args: string[], env: NodeJS.ProcessEnv = NO_SLURM) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function refused(args: string[], pattern: RegExp, created?: string): void {
  const r = cli(args);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  if (created) assert.equal(existsSync(created), false, `${created} was created`);
}

describe('slurm submit refuses bad input before writing or submitting anything', () => {
  const out = join(tempDir(), 'never-sweep');
  it('no --suite', () => refused(['slurm', 'submit', '--out', out], /^prism-bench: --suite: required -- name the suite/, out));
  it('a time limit Slurm does not read', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--time', '25h'], /--time 25h: not a Slurm time limit -- use minutes, HH:MM:SS or D-HH:MM:SS/, out));
  it('a partition name with a space', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--partition', 'gpu a'], /--partition gpu a: expected a partition name/, out));
  it('gpus per task out of range', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--gpus-per-task', '0'], /--gpus-per-task: expected a whole number from 1 to 64, got '0'/, out));
  it('an sbatch option prism-bench sets itself', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--sbatch-arg=--array=1-9'], /--sbatch-arg --array=1-9: prism-bench sets this option itself -- remove it/, out));
  it('an sbatch arg that is not an option', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--sbatch-arg', 'account'], /--sbatch-arg "account": expected one sbatch option such as --account=myproj/, out));
  it('more shards than engine x dataset groups', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--shards', '4', '--print'], /--shards 4: .*suite-\d+\.yaml has 3 engine x dataset groups, a shard holds one or more whole groups -- use a number from 1 to 3/, out));
  it('a suite mistake names the suite file and field', () => {
    const bad = writeTemp('engines: [{name: reference}]\ndrafts: [{name: v, method: vanila}]\n');
    refused(['slurm', 'submit', '--suite', bad, '--out', out], /suite-\d+\.yaml: drafts\[0\]\.method: /, out);
  });
  it('no sbatch on PATH, without --print', () => refused(['slurm', 'submit', '--suite', SUITE, '--out', out], /^prism-bench: sbatch: not found on PATH -- run slurm submit on a Slurm login node, or add --print/, out));
  it('--resume of a directory that is no sweep', () => refused(['slurm', 'submit', '--resume', tempDir()], /sweep\.json: no such file -- give the sweep directory that prism-bench slurm submit created/));
  it('--resume with --suite', () => refused(['slurm', 'submit', '--resume', tempDir(), '--suite', SUITE], /--suite: a resumed sweep keeps its suite/));
});

describe('merge and run --shard refuse bad input', () => {
  it('merge of a directory without sweep.json', () => refused(['merge', tempDir(), '--out', join(tempDir(), 'never-merged')], /sweep\.json: no such file/, join(tempDir(), 'never-merged')));
  it('run --shard beyond the suite\'s groups', () => {
    const out = join(tempDir(), 'never-shard');
    refused(['run', '--suite', SUITE, '--shard', '4/4', '--out', out], /suite-\d+\.yaml: --shard 4\/4: the suite has 3 engine x dataset groups, so at most 3 shards -- use --shard i\/n with n from 1 to 3/, out);
  });
  it('run --shard that is not i/n', () => refused(['run', '--suite', SUITE, '--shard', '3/2'], /--shard 3\/2: expected i\/n with whole numbers 1 <= i <= n, such as 2\/5/));
  it('run --shard with --resume', () => refused(['run', '--resume', tempDir(), '--shard', '1/2'], /--shard: a resumed run keeps the shard it started with/));
});

describe('slurm submit --print', () => {
  it('writes sweep.json and two bash scripts carrying the Slurm options, submits nothing, needs no Slurm', () => {
    const out = join(tempDir(), 'printed-sweep');
    const r = cli(['slurm', 'submit', '--suite', SUITE, '--out', out, '--print', '--partition', 'gpu', '--gpus-per-task', '1', '--time', '2:00:00', '--sbatch-arg=--account=bench', '--quick']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /nothing submitted/);
    const m = readManifest(out);
    assert.deepEqual(m.shards.map((s) => s.units), [['reference/chat'], ['reference/code'], ['reference/math']]);
    assert.deepEqual(m.shards[1]!.cells.map((c) => c.id), ['reference/vanilla/code/T0', 'reference/ngram/code/T0']);
    assert.deepEqual(m.submissions.map((s) => [s.shards, s.arrayJobId, s.mergeJobId]), [[[1, 2, 3], null, null]]);
    const array = readFileSync(join(out, 'slurm', 'shards-1.sbatch'), 'utf8');
    const merge = readFileSync(join(out, 'slurm', 'merge-1.sbatch'), 'utf8');
    assert.ok(r.stdout.includes(array) && r.stdout.includes(merge), 'both scripts printed');
    for (const line of ['#SBATCH --array=1-3', '#SBATCH --partition=gpu', '#SBATCH --time=2:00:00', '#SBATCH --gpus-per-task=1', '#SBATCH --account=bench']) assert.ok(array.includes(`${line}\n`), line);
    assert.match(array, /--shard "\$shard\/3" --out "\$dir" --quick\n/);
    assert.ok(!merge.includes('--gpus-per-task'), 'the merge job takes no GPU');
    assert.match(merge, new RegExp(`merge ${out} --out ${join(out, 'merged')}\n`));
    for (const s of [array, merge]) assert.equal(spawnSync('bash', ['-n'], { input: s }).status, 0, 'valid bash');
    // outside Slurm the array script says what it needs instead of running a shard
    const { SLURM_ARRAY_TASK_ID: _unset, ...outside } = process.env;
    const bare = spawnSync('bash', [join(out, 'slurm', 'shards-1.sbatch')], { encoding: 'utf8', env: outside });
    assert.notEqual(bare.status, 0);
    assert.match(bare.stderr, /SLURM_ARRAY_TASK_ID: submit this script with sbatch, or set SLURM_ARRAY_TASK_ID to a shard number from 1 to 3/);
    refused(['slurm', 'submit', '--suite', SUITE, '--out', out, '--print'], /already holds a sweep \(sweep\.json\) -- continue it with --resume/);
  });
});

describe('slurm submit --print: the printed commands are safe to paste', () => {
  it('a sweep directory holding a quote, $(...) and backquotes pastes as that directory, running nothing else', () => {
    const base = join(tempDir(), 'paste');
    mkdirSync(base, { recursive: true });
    const out = join(base, "it's$(id>PWNED)`id>PWNED2`");
    const r = cli(['slurm', 'submit', '--suite', SUITE, '--out', out, '--print']);
    assert.equal(r.status, 0, r.stderr);
    const line = r.stderr.split('\n').find((l) => l.trimStart().startsWith('jid='));
    assert.ok(line, r.stderr);
    // a stand-in sbatch that records its arguments, one per line, and answers a job id
    const bin = join(base, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sbatch'), `#!/bin/bash\nprintf '%s\\n' "$@" >> ${JSON.stringify(join(base, 'args'))}\necho 42\n`, { mode: 0o755 });
    const pasted = spawnSync('bash', ['-c', line], { cwd: base, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
    assert.equal(pasted.status, 0, pasted.stderr);
    assert.equal(existsSync(join(base, 'PWNED')) || existsSync(join(base, 'PWNED2')), false, 'a substitution in the path ran');
    assert.deepEqual(readFileSync(join(base, 'args'), 'utf8').trimEnd().split('\n'),
      ['--parsable', join(out, 'slurm', 'shards-1.sbatch'), '--dependency=afterany:42', join(out, 'slurm', 'merge-1.sbatch')]);
    // the refusal to write over it names a --resume that pastes too
    const again = cli(['slurm', 'submit', '--suite', SUITE, '--out', out, '--print']);
    assert.equal(again.status, 2);
    assert.ok(again.stderr.includes(`continue it with --resume '${out.replace(/'/g, `'\\''`)}', or choose another --out`), again.stderr);
  });
});
