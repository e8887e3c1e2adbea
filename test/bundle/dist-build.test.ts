// bin/prism-bench.js runs the compiled build in dist/build and makes it on first use: many
// processes starting at once on a fresh clone all run (none sees half a build), a touched file
// costs no rebuild, an edited one does, and the sources compute the graph cache salt the build embeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builderSourcesHash } from '@prism-bench/reference-engine';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A clone without dist/: the files the bin and the build read, node_modules linked. */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'prism-dist-'));
  for (const p of ['bin', 'src', 'packages', 'scripts', 'package.json']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const builds = (dir: string) => readdirSync(join(dir, 'dist', 'build')).sort();
const pointer = (dir: string) => JSON.parse(readFileSync(join(dir, 'dist', 'build', 'current.json'), 'utf8')) as { dir: string; stamp: string };

function start(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'bin', 'prism-bench.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('concurrent first starts all run one build; a touch reuses it, an edit replaces it', async (t) => {
  const dir = freshClone();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => start(dir, i % 2 ? ['--version'] : ['schema', 'result'])));
  for (const [i, r] of runs.entries()) {
    assert.equal(r.code, 0, `start ${i}: ${r.stderr}`);
    assert.equal(r.stderr, '', `start ${i} is silent on stderr`);
    if (i % 2) assert.equal(r.stdout.trim(), VERSION);
    else assert.match(r.stdout, /"\$schema"/);
  }
  const first = pointer(dir);
  assert.match(first.stamp, /^packages\/reference-engine\/src\/server\/main\.ts \d+ /m, 'the stamp covers the reference engine\'s package');
  assert.deepEqual(builds(dir), [first.dir, 'current.json'].sort(), 'one build, no temporary folder or file left');
  const info = JSON.parse(readFileSync(join(dir, 'dist', 'build', first.dir, 'build.json'), 'utf8')) as { kind: string; version: string; graphBuilders: string };
  assert.equal(info.kind, 'dist');
  assert.equal(info.version, VERSION);
  assert.equal(info.graphBuilders, builderSourcesHash(), 'the build keys the graph cache as the sources do');
  assert.ok(readdirSync(join(dir, 'dist', 'build', first.dir, 'train')).includes('train_target.py'), 'the trainers travel with the build (beside the engine\'s modules)');

  // a touched file: the stamp moves, the contents do not, so the build is reused
  const file = join(dir, 'src', 'cli', 'errors.ts');
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  assert.equal((await start(dir, ['--version'])).code, 0);
  assert.equal(pointer(dir).dir, first.dir);
  assert.notEqual(pointer(dir).stamp, first.stamp);

  // an edit: a new build, which the next start runs
  writeFileSync(file, readFileSync(file, 'utf8').replace('An input or usage problem', 'An input or usage mistake'));
  const r = await start(dir, ['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.notEqual(pointer(dir).dir, first.dir);
  assert.deepEqual(builds(dir), [first.dir, pointer(dir).dir, 'current.json'].sort(), 'the older build stays for processes still running it');
});

test('without sources, the bin runs the build it ships and needs no esbuild', (t) => {
  const dir = freshClone();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(spawnSync(process.execPath, [join(dir, 'bin', 'prism-bench.js'), '--version']).status, 0);
  // what a published package holds: bin, the build, no src, no scripts, and its dependencies
  // without the devDependencies (esbuild, tsx, typescript)
  for (const p of ['src', 'scripts', 'node_modules']) rmSync(join(dir, p), { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'));
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'prism-bench.js'), '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
  rmSync(join(dir, 'dist'), { recursive: true });
  const none = spawnSync(process.execPath, [join(dir, 'bin', 'prism-bench.js'), '--version'], { encoding: 'utf8' });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /holds no build and there are no sources to build from/);
});
