// `prism-bench run` refuses bad input before anything starts: exit 2, one line naming the file,
// the field and the fix, and no run directory (no empty logs/ folder) left behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeTemp } from '../suite/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('prism-bench run with an engine mistake', () => {
  it('exits 2 with one line naming file, field and fix, and creates nothing', () => {
    const out = join(tempDir(), 'never');
    const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: hass}]\ndatasets: [chat]\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', file, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^prism-bench: .*suite-\d+\.yaml: drafts\[0\]\.method: method hass is not offered by the reference engine -- use one of/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(out), false);
  });
  it('a dataset error leaves no run directory behind', () => {
    const out = join(tempDir(), 'never2');
    const data = writeTemp('{"question_id": 1, "turns": []}\n', 'jsonl');
    const file = writeTemp(`engines: [{name: reference}]\ndrafts: [{method: vanilla}]\ndatasets: [{name: bad, path: ${data}}]\n`);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', file, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /line 1: turns/);
    assert.equal(existsSync(out), false, 'no run directory, no empty logs/');
  });
});

describe('prism-bench run with absurd settings', () => {
  it('rejects trials: 1000000000 naming the bound, and creates nothing', () => {
    const out = join(tempDir(), 'never3');
    const file = writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nsettings: {trials: 1000000000}\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', file, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /settings\.trials: expected an integer <= 1000 \(the most trials a run may have\), got 1000000000 -- set trials to a whole number such as 3/);
    assert.equal(existsSync(out), false);
  });
});

describe('prism-bench run --full', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', ...args], { encoding: 'utf8' });
  it('plans suites/full.yaml', () => {
    const r = cli('--full', '--dry-run');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# dry run of .*suites\/full\.yaml: 5 launch\(es\), 50 cell\(s\)/);
  });
  it('with --suite, --quick or --resume: exit 2 naming both flags', () => {
    for (const [extra, re] of [[['--suite', 'suites/gate.yaml'], /--full: runs suites\/full\.yaml in place of --suite/], [['--quick'], /--full and --quick/], [['--resume', 'results/x'], /--full: a resumed run keeps the suite it started with/]] as const) {
      const r = cli('--full', ...extra, '--dry-run');
      assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });
});
