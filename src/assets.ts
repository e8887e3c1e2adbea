// Where prism-bench's own files are, however it runs. Three layouts:
//  - from the sources (tsx: the tests, the bench scripts): this file is src/assets.ts;
//  - from the build the bin keeps current (scripts/build.mjs): every module is a flat file in
//    dist/build/<key>/ (the reference engine's package included, with its trainers beside it);
//  - from the single-file bundle (npm run bundle): nothing but the .mjs and onnxruntime's native
//    files; the package files a command reads (suites, prompt sets, schemas, model manifests,
//    vega's built JS, the engine's trainers) are embedded and written once to a cache folder, so
//    every consumer keeps reading plain paths (the bundle's entry points the reference engine,
//    which finds its own files otherwise, at that folder).
// The build tells which layout it is through PRISM_BUILD (esbuild `define`); from the sources
// the identifier is not defined at all.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from './errors.ts';

/** What a build embeds about itself (scripts/build.mjs fills it in). */
export interface BuildInfo {
  kind: 'dist' | 'bundle';
  /** package.json's version */
  version: string;
  /** sha256 of the reference engine's graph builders' sources, the graph cache's salt (its graph-cache.ts builderSourcesHash) */
  graphBuilders: string;
  /** onnxruntime-node's version, also part of the graph cache's salt */
  ortVersion: string;
  /** bundle: sha256 of the embedded files, which names the folder they are written to */
  assetsKey?: string;
}

declare const PRISM_BUILD: BuildInfo;

/** The build this code was compiled into, or undefined when it runs from the TypeScript sources. */
export const BUILD: BuildInfo | undefined = typeof PRISM_BUILD === 'undefined' ? undefined : PRISM_BUILD;

/** The folder of the module this code ended up in (src/ from the sources; the build's folder or the bundle's otherwise). */
const HERE = dirname(fileURLToPath(import.meta.url));

/** Package files embedded in the bundle, relative path -> gzipped content in base64 (set by the bundle's entry before anything else runs). */
let embedded: Readonly<Record<string, string>> | undefined;
let extracted: string | undefined;

export function useEmbeddedAssets(files: Readonly<Record<string, string>>): void {
  embedded = files;
}

/**
 * The folder the bundle's embedded files are written to: $PRISM_BENCH_CACHE, else
 * $XDG_CACHE_HOME/prism-bench, else ~/.cache/prism-bench (the system's temporary folder when
 * that cannot be written), then bundle-<version>-<key>. Written once, under a temporary name
 * and renamed, so concurrent commands never read half a folder.
 */
function extractedRoot(): string {
  if (extracted) return extracted;
  if (!embedded || !BUILD?.assetsKey) throw new Error('prism-bench bundle: the embedded files are missing (the bundle was built wrong)');
  const name = `bundle-${BUILD.version}-${BUILD.assetsKey.slice(0, 16)}`;
  const bases = [
    process.env.PRISM_BENCH_CACHE,
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'prism-bench'),
    join(tmpdir(), `prism-bench-${process.getuid?.() ?? 'user'}`),
  ].filter((b): b is string => Boolean(b));
  let lastError: unknown;
  for (const base of bases) {
    const dir = join(base, name);
    if (existsSync(join(dir, '.complete'))) return (extracted = dir);
    const tmp = `${dir}.${process.pid}.tmp`;
    try {
      for (const [rel, gz] of Object.entries(embedded)) {
        mkdirSync(dirname(join(tmp, rel)), { recursive: true });
        writeFileSync(join(tmp, rel), gunzipSync(Buffer.from(gz, 'base64')));
      }
      writeFileSync(join(tmp, '.complete'), '');
      try { renameSync(tmp, dir); } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        if (!existsSync(join(dir, '.complete'))) throw e; // not another command's copy: a real failure
      }
      return (extracted = dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      lastError = e;
    }
  }
  throw new Error(`prism-bench bundle: cannot write its files to ${bases.join(' or ')}: ${messageOf(lastError)} -- set PRISM_BENCH_CACHE to a writable folder`);
}

/**
 * The package root: the folder holding package.json, suites/, schemas/ and models/ (and the
 * .cache/ the graph cache and the trainers write to). For the bundle, the folder its embedded
 * files were written to.
 */
export function packageRoot(): string {
  if (BUILD?.kind === 'bundle') return extractedRoot();
  // src/assets.ts -> ..; dist/build/<key>/<module>.js -> ../../..
  return join(HERE, BUILD ? '../../..' : '..');
}

/** The script that starts prism-bench (an engine process runs `node <it> serve ...`): bin/prism-bench.js, or the bundle itself. */
export function entryScript(): string {
  if (BUILD?.kind === 'bundle') return fileURLToPath(import.meta.url);
  return join(packageRoot(), 'bin', 'prism-bench.js');
}

/**
 * The folder of an npm package whose files are read as data (vega's built JS, inlined into the
 * HTML report): searched in node_modules, as those packages do not export the files; in the
 * bundle, the copy it embeds under vendor/. Undefined when it is not there.
 */
export function packageDataDir(pkg: string, file: string): string | undefined {
  if (BUILD?.kind === 'bundle') {
    const dir = join(extractedRoot(), 'vendor', pkg);
    return existsSync(join(dir, file)) ? dir : undefined;
  }
  const dirs = createRequire(import.meta.url).resolve.paths(pkg) ?? [];
  return dirs.map((d) => join(d, pkg)).find((d) => existsSync(join(d, file)));
}
