#!/usr/bin/env node
// Entry: runs the compiled JavaScript in dist/build/ (an engine process, `serve`, loads the
// serve command alone). In a checkout (src/ present) it first checks, from the sources' sizes and
// mtimes, that the build is current and otherwise makes it with esbuild (scripts/build.mjs says
// how and why); a published package ships the build and no src/, and runs it as it is.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builds = join(root, 'dist', 'build');
let dir;
if (existsSync(join(root, 'src', 'cli', 'main.ts'))) {
  const { readPointer, sourceStamp } = await import('../scripts/build-state.mjs');
  const stamp = sourceStamp(root);
  const current = readPointer(root);
  if (current?.stamp === stamp && existsSync(join(builds, current.dir, 'main.js'))) {
    dir = current.dir;
  } else {
    let build;
    try {
      build = await import('../scripts/build.mjs');
    } catch (e) {
      process.stderr.write(`prism-bench: the compiled build in dist/build is missing or older than src/, and it cannot be rebuilt: ${e.message.split('\n')[0]} -- run npm ci (esbuild is a devDependency)\n`);
      process.exit(1);
    }
    try {
      dir = await build.ensureBuild(root, stamp);
    } catch (e) {
      // esbuild printed what is wrong in which file above
      process.stderr.write(`prism-bench: compiling src/ into dist/build failed: ${e.message.split('\n')[0]}\n`);
      process.exit(1);
    }
  }
} else {
  const { readFileSync } = await import('node:fs');
  try {
    dir = JSON.parse(readFileSync(join(builds, 'current.json'), 'utf8')).dir;
  } catch {
    process.stderr.write(`prism-bench: ${builds} holds no build and there are no sources to build from -- reinstall the package\n`);
    process.exit(1);
  }
}
const { main } = await import(pathToFileURL(join(builds, dir, process.argv[2] === 'serve' ? 'serve-main.js' : 'main.js')).href);
process.exitCode = await main(process.argv);
