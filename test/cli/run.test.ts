// `prism-bench run` refuses bad input before anything starts: exit 2, one line naming the file,
// the field and the fix, and no run directory (no empty logs/ folder) left behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('prism-bench run into a directory it cannot write', () => {
  it('exits 2 before launching, one line naming the directory and the fix (not a raw errno)', () => {
    // a path through a regular file: no one, root included, can create a directory there
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const out = join(file, 'run');
    const suite = writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\ndatasets: [chat]\nsettings: {prompts: 1, trials: 1}\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', suite, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^prism-bench: .*a-file\/run: cannot create the run directory: .*a-file is a file, not a directory -- choose another --out\n$/);
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

describe('prism-bench run --resume with --suite', () => {
  it('exits 2 naming the suite the run keeps, and leaves the run as it was', () => {
    const dir = mkdtempSync(join(tempDir(), 'resume-'));
    const result = JSON.stringify({ schemaVersion: 2, runId: 'r', suiteFile: '/somewhere/suites/default.yaml', suite: {} });
    writeFileSync(join(dir, 'result.json'), result);
    for (const suite of ['suites/gate.yaml', 'suites/default.yaml']) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', suite, '--resume', dir], { encoding: 'utf8' });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^prism-bench: --suite: a resumed run keeps the suite it started with \(\/somewhere\/suites\/default\.yaml, recorded in .*result\.json\) -- remove --suite\n$/);
      assert.equal(readFileSync(join(dir, 'result.json'), 'utf8'), result);
      assert.deepEqual(readdirSync(dir), ['result.json']);
    }
  });
});

describe('prism-bench run with a flag the harness owns in extraArgs', () => {
  it('exits 2 naming the field to use instead, and creates nothing', () => {
    const out = join(tempDir(), 'never');
    const file = writeTemp('engines: [{name: sglang, options: {model: m, prompt: raw, extraArgs: ["--port", "1234"]}}]\ndrafts: [{method: vanilla}]\ndatasets: [chat]\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', '--suite', file, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^prism-bench: .*suite-\d+\.yaml: engines\[0\]\.options\.extraArgs: "--port": the harness sets --port itself -- remove it: the harness picks the host and a free port/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(out), false);
  });
});

describe('prism-bench run with a name too long for a file name', () => {
  const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'run', ...args], { encoding: 'utf8', cwd });
  it('a 5,000-character engine label: exit 2 before launch, nothing created', () => {
    const cwd = mkdtempSync(join(tempDir(), 'cwd-'));
    const file = writeTemp(`engines: [{name: reference, label: ${'x'.repeat(5000)}}]\ndrafts: [{method: vanilla}]\ndatasets: [chat]\n`);
    const r = cli(['--suite', file, '--out', join(cwd, 'never')], cwd);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^prism-bench: .*suite-\d+\.yaml: engines\[0\]\.label: 5000 characters: it becomes part of file and folder names, which the file system caps at 255 bytes -- shorten label to at most 100 characters\n$/);
    assert.deepEqual(readdirSync(cwd), []);
  });
  it('a 300-character suite name and the default run directory: exit 2, no results/ left behind', () => {
    const cwd = mkdtempSync(join(tempDir(), 'cwd-'));
    const file = writeTemp(`name: ${'s'.repeat(300)}\nengines: [{name: reference}]\ndrafts: [{method: vanilla}]\ndatasets: [chat]\n`);
    const r = cli(['--suite', file], cwd);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^prism-bench: .*suite-\d+\.yaml: name: 300 characters: .* -- shorten name to at most 100 characters\n$/);
    assert.deepEqual(readdirSync(cwd), []);
  });
});
