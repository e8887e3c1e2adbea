// Which python a trainer runs on, with stand-in interpreters: real pythons whose PYTHONPATH puts a
// stand-in `torch` first (one with CUDA, one that is missing), so every candidate order and the
// one-line refusal are checked without a GPU.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePython, NoPythonError, onPath, pythonCandidates } from '../../src/train/python.ts';

const REAL = onPath('python3') ?? '/usr/bin/python3';
let root = '';
/** a directory holding `python3`, a stand-in whose torch is `kind` */
const bins: Record<'cuda' | 'cpu' | 'none', string> = { cuda: '', cpu: '', none: '' };

before(() => {
  root = mkdtempSync(join(tmpdir(), 'prism-python-'));
  const torch: Record<keyof typeof bins, string> = {
    cuda: '__version__ = "9.9.9+stand-in"\nclass cuda:\n    @staticmethod\n    def is_available():\n        return True\n',
    cpu: '__version__ = "9.9.9+cpu"\nclass cuda:\n    @staticmethod\n    def is_available():\n        return False\n',
    none: 'raise ModuleNotFoundError("No module named \'torch\'")\n',
  };
  for (const kind of Object.keys(bins) as (keyof typeof bins)[]) {
    const lib = join(root, `lib-${kind}`), bin = join(root, `bin-${kind}`);
    mkdirSync(lib); mkdirSync(bin);
    writeFileSync(join(lib, 'torch.py'), torch[kind]);
    writeFileSync(join(bin, 'python3'), `#!/bin/sh\nPYTHONPATH='${lib}' exec '${REAL}' "$@"\n`);
    chmodSync(join(bin, 'python3'), 0o755);
    bins[kind] = bin;
  }
});

const py = (kind: keyof typeof bins) => join(bins[kind], 'python3');

describe('choosePython', () => {
  it('cuda: a python3 on PATH with CUDA torch wins over a system python without torch', () => {
    const c = choosePython('torch-cuda', undefined, { PATH: bins.cuda }, py('none'));
    assert.equal(c.path, py('cuda'));
    assert.equal(c.source, 'python3 on PATH');
    assert.match(c.detail, /torch 9\.9\.9\+stand-in with CUDA/);
  });
  it('cuda: falls through a PATH python without torch and one whose torch has no CUDA', () => {
    assert.equal(choosePython('torch-cuda', undefined, { PATH: bins.none }, py('cuda')).path, py('cuda'));
    assert.equal(choosePython('torch-cuda', py('cpu'), { PATH: bins.none }, py('cuda')).source, py('cuda'));
  });
  it('cpu: the system python (Debian\'s python3-torch) first, then a PATH python that has torch', () => {
    assert.equal(choosePython('torch', undefined, { PATH: bins.cuda }, py('cpu')).path, py('cpu'));
    assert.equal(choosePython('torch', undefined, { PATH: bins.cpu }, py('none')).path, py('cpu'));
  });
  it('--python, then $PRISM_PYTHON, come first', () => {
    assert.equal(choosePython('torch', py('cuda'), { PATH: bins.cpu, PRISM_PYTHON: py('cpu') }, py('cpu')).source, '--python');
    assert.equal(choosePython('torch', undefined, { PATH: bins.cpu, PRISM_PYTHON: py('cuda') }, py('cpu')).source, '$PRISM_PYTHON');
  });
  it('none fits: one line naming every candidate and what it lacked', () => {
    const e = (() => { try { choosePython('torch-cuda', '/nonexistent/python', { PATH: bins.none }, py('cpu')); } catch (x) { return x; } })();
    assert.ok(e instanceof NoPythonError);
    const m = (e as Error).message;
    assert.equal(m.split('\n').length, 1, m);
    assert.match(m, /^no python with torch with CUDA found; tried --python \(\/nonexistent\/python\): not found; /);
    assert.match(m, new RegExp(`python3 on PATH \\(${py('none').replace(/[.+]/g, '\\$&')}\\): No module named 'torch'`));
    assert.match(m, /torch 9\.9\.9\+cpu without CUDA/);
    assert.match(m, /-- install it, or name one with --python or \$PRISM_PYTHON$/);
  });
  it('a python3 on PATH that is the system python is asked once', () => {
    const c = pythonCandidates('torch', undefined, { PATH: bins.cpu }, py('cpu'));
    assert.deepEqual(c.map((x) => x.path), [py('cpu')]);
  });
});
