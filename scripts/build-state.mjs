// What bin/prism-bench.js checks on every start to tell whether the compiled build in
// dist/build/ is current: no dependencies, a few milliseconds (one stat per source file).
// scripts/build.mjs makes the builds; the design is described there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the compiled builds, under the package root. */
export const BUILDS_DIR = join('dist', 'build');
/** The pointer to the current build: {stamp, dir}, replaced atomically. */
export const POINTER = 'current.json';

/** The reference engine's workspace package, compiled into the build with the harness. */
export const ENGINE_DIR = 'packages/reference-engine';

/**
 * Every file the build is made from, relative to the package root: src/**, the reference
 * engine's src/** and package.json (its exports decide what an import of it resolves to), and
 * the build's own inputs.
 */
export function sourceFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('src');
  const engine = existsSync(join(root, ENGINE_DIR, 'src'));
  if (engine) walk(`${ENGINE_DIR}/src`);
  out.sort();
  return [...out, ...(engine ? [`${ENGINE_DIR}/package.json`] : []), 'scripts/build.mjs', 'package.json'];
}

/**
 * The sources' stamp: each file's path, size and modification time. When it equals the stamp
 * the pointer recorded, the build is current; when not, scripts/build.mjs hashes the contents
 * and rebuilds only if they changed (a checkout or a touch changes mtimes, not contents).
 */
export function sourceStamp(root) {
  return sourceFiles(root).map((f) => {
    const s = statSync(join(root, f));
    return `${f} ${s.size} ${s.mtimeMs}`;
  }).join('\n');
}

/** The pointer's content, or undefined when there is none (or it cannot be read). */
export function readPointer(root) {
  try {
    return JSON.parse(readFileSync(join(root, BUILDS_DIR, POINTER), 'utf8'));
  } catch {
    return undefined;
  }
}
