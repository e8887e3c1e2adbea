#!/usr/bin/env node
// Compiles prism-bench's TypeScript to plain JavaScript with esbuild. Two outputs:
//
// 1. The build the CLI runs (`node scripts/build.mjs`, and on demand from bin/prism-bench.js):
//    src/cli/main.ts and src/cli/serve-main.ts bundled with code splitting (with the reference
//    engine's package, packages/reference-engine, resolved through its exports) into
//    dist/build/<key>/ (every module a flat file; npm packages stay imports of node_modules, so
//    a command loads only the chunks and packages it uses). <key> is a hash of the sources'
//    contents. dist/build/current.json points at the build and records the sources' stamp
//    (path, size, mtime of every file; scripts/build-state.mjs), so a start only stats the
//    sources and compares: a few milliseconds. When the stamp differs, the contents are hashed;
//    an existing build of the same contents (after a checkout back and forth, or a touch) is
//    reused, otherwise one is built. Why a build made on first use rather than an install hook
//    or a committed dist/: `npm ci` runs no scripts here (ignore-scripts), a committed build
//    goes stale with every edit, and tests that spawn the CLI then exercise what users run.
//    Concurrent starts (the test suite launches many engines at once) are safe: each build is
//    written to a temporary folder and renamed into place whole, the pointer is written to a
//    temporary file and renamed; two processes that build the same sources at once both
//    succeed and one rename wins. Builds a running process may still load chunks from are kept:
//    only builds beyond the newest KEEP_BUILDS are removed.
//    A published package ships dist/build/ prebuilt (`prepack`) and no src/, and then the bin
//    uses the pointer as it is and never needs esbuild.
//
// 2. The single-file bundle (`node scripts/build.mjs --bundle`, npm run bundle):
//    dist/bundle/prism-bench.mjs holds every npm dependency and the package files commands read
//    (suites, prompt sets, schemas, model manifests, vega's built JS for the HTML report, the
//    engine's trainers), next to onnxruntime-node's native files. See src/assets.ts for how it
//    finds them; the engine is pointed at them through its ./files hook (setInstallRoot).
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { BUILDS_DIR, ENGINE_DIR, POINTER, readPointer, sourceFiles, sourceStamp } from './build-state.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Builds kept besides the current one (a long run started from an older build may still load its chunks). */
export const KEEP_BUILDS = 8;
/** The reference engine's package name: its imports resolve to its sources through its exports (engineResolver). */
const ENGINE_PACKAGE = '@prism-bench/reference-engine';
/** Source folders (under the engine's src/) whose .ts files key the graph cache: as its kernels/onnx/graph-cache.ts BUILDER_SOURCE_DIRS. */
const GRAPH_BUILDER_DIRS = ['model', 'kernels/onnx'].map((d) => `${ENGINE_DIR}/src/${d}`);

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The sources in memory: the build compiles exactly the bytes its key was computed from. */
function readSources(root) {
  const files = new Map();
  for (const f of sourceFiles(root)) files.set(f, readFileSync(join(root, f)));
  return files;
}

/** What a build embeds about itself (src/assets.ts BuildInfo). */
function buildInfo(root, sources, kind) {
  const h = createHash('sha256');
  for (const d of GRAPH_BUILDER_DIRS) {
    // as builderSourcesHash: the folder's own .ts files, sorted by name, name then content
    const names = [...sources.keys()].filter((f) => dirname(f) === d && f.endsWith('.ts')).map((f) => f.slice(`${d}/`.length)).sort();
    for (const n of names) h.update(n).update(sources.get(`${d}/${n}`));
  }
  const pkg = JSON.parse(sources.get('package.json') ?? readFileSync(join(root, 'package.json')));
  const require = createRequire(join(root, 'package.json'));
  return { kind, version: pkg.version, graphBuilders: h.digest('hex'), ortVersion: require('onnxruntime-node/package.json').version };
}

/** What the engine's compiled code is told about itself (its graph-cache.ts PRISM_REFERENCE_ENGINE_BUILD). */
const engineBuild = (info) => JSON.stringify({ graphBuilders: info.graphBuilders, ortVersion: info.ortVersion });

/**
 * Resolves imports of the reference engine (`@prism-bench/reference-engine`, `/contract`,
 * `/files`) to its sources in this checkout through the exports of its package.json, which the
 * npm workspace links into node_modules: the build compiles the engine with the harness (the
 * dist build keeps npm packages external, and this one is TypeScript), from the same root.
 */
function engineResolver(root) {
  return {
    name: 'prism-reference-engine',
    setup(build) {
      build.onResolve({ filter: /^@prism-bench\/reference-engine(\/.*)?$/ }, (args) => {
        const pkgDir = join(root, ENGINE_DIR);
        const { exports } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
        const subpath = `.${args.path.slice(ENGINE_PACKAGE.length)}`;
        const target = exports?.[subpath];
        if (typeof target !== 'string') return { errors: [{ text: `${args.path}: ${ENGINE_DIR}/package.json exports no '${subpath}'` }] };
        return { path: join(pkgDir, target) };
      });
    },
  };
}

/** Serves src/**.ts from memory (so the build compiles what was hashed); anything else esbuild reads itself. */
function fromMemory(root, sources) {
  return {
    name: 'prism-sources',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = relative(root, args.path).split('\\').join('/');
        const text = sources.get(rel);
        return text === undefined ? undefined : { contents: text, loader: 'ts' };
      });
    },
  };
}

const COMMON = {
  bundle: true, platform: 'node', format: 'esm', target: 'node20',
  // class and function names as written (error names, instanceof messages)
  keepNames: true, logLevel: 'warning', legalComments: 'none',
};

/** Compiles the CLI into `outDir` (code splitting, npm packages external). */
async function compile(root, sources, outDir) {
  const info = buildInfo(root, sources, 'dist');
  await esbuild.build({
    ...COMMON,
    absWorkingDir: root,
    entryPoints: { main: 'src/cli/main.ts', 'serve-main': 'src/cli/serve-main.ts' },
    outdir: outDir, splitting: true, entryNames: '[name]', chunkNames: 'chunk-[hash]',
    packages: 'external', sourcemap: 'linked',
    define: { PRISM_BUILD: JSON.stringify(info), PRISM_REFERENCE_ENGINE_BUILD: engineBuild(info) },
    plugins: [engineResolver(root), fromMemory(root, sources)],
  });
  // files the engine runs beside its sources (the Python trainers): beside its compiled modules,
  // where its files.ts engineFile() finds them (dist/build/<key>/train/train_target.py)
  const engineSrc = `${ENGINE_DIR}/src/`;
  for (const [f, bytes] of sources) {
    if (!f.startsWith(engineSrc) || f.endsWith('.ts')) continue;
    const to = join(outDir, f.slice(engineSrc.length));
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, bytes);
  }
  writeFileSync(join(outDir, 'build.json'), JSON.stringify({ ...info, builtAt: new Date().toISOString(), esbuild: esbuild.version }, null, 2) + '\n');
}

/** Writes a file under a temporary name and renames it into place. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function prune(builds, current) {
  try {
    const dirs = readdirSync(builds, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
      const p = join(builds, e.name);
      return { name: e.name, p, t: statSync(p).mtimeMs };
    });
    const now = Date.now();
    // builds that crashed half-way (never renamed), once surely abandoned
    for (const d of dirs) if (d.name.startsWith('.tmp-') && now - d.t > 10 * 60_000) rmSync(d.p, { recursive: true, force: true });
    const done = dirs.filter((d) => !d.name.startsWith('.') && d.name !== current).sort((a, b) => b.t - a.t);
    for (const d of done.slice(KEEP_BUILDS)) rmSync(d.p, { recursive: true, force: true });
  } catch { /* another process pruned first */ }
}

/**
 * Makes dist/build/ current for the sources and returns the build's folder name. `stamp` is the
 * sources' stamp taken before they are read (bin/prism-bench.js passes the one it compared).
 */
export async function ensureBuild(root = ROOT, stamp = sourceStamp(root)) {
  const builds = join(root, BUILDS_DIR);
  const sources = readSources(root);
  const key = sha256(
    ...[...sources].flatMap(([f, bytes]) => [f, '\0', bytes, '\0']),
    `esbuild ${esbuild.version}; node ${process.versions.node.split('.')[0]}`,
  ).slice(0, 20);
  const dir = join(builds, key);
  mkdirSync(builds, { recursive: true });
  if (existsSync(join(dir, 'main.js'))) {
    const now = new Date();
    try { utimesSync(dir, now, now); } catch { /* pruning order only */ }
  } else {
    const tmp = join(builds, `.tmp-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await compile(root, sources, tmp);
      try {
        renameSync(tmp, dir);
      } catch (e) {
        if (!existsSync(join(dir, 'main.js'))) throw e; // not another process's finished build of the same key
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  writeAtomic(join(builds, POINTER), JSON.stringify({ dir: key, stamp }));
  prune(builds, key);
  return key;
}

// ---------------------------------------------------------------------------------------------
// The single-file bundle

/**
 * Package files a bundled command reads, relative path -> content gzipped, in base64 (written out
 * by src/assets.ts on first use). Gzipped, as every start parses the bundle: 0.3 MiB of string
 * instead of 1.2 MiB (vega's JS is most of it).
 */
function bundleAssets(root, sources) {
  const files = {};
  const add = (rel, content) => { files[rel] = gzipSync(content, { level: 9 }).toString('base64'); };
  const addTree = (rel, keep = () => true) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) addTree(r, keep);
      else if (e.isFile() && keep(r)) add(r, readFileSync(join(root, r)));
    }
  };
  addTree('suites');
  addTree('schemas');
  // the model manifests (a suite's checks read a draft's and the target's; not the weights) and the tokenizer
  addTree('models', (r) => r.endsWith('.json'));
  // the files the engine runs beside its sources (the trainers), where the entry points it (setInstallRoot)
  for (const [f, bytes] of sources) if (f.startsWith(`${ENGINE_DIR}/src/`) && !f.endsWith('.ts')) add(f, bytes);
  // vega's built JS, which the HTML report inlines (src/report/html-page.ts)
  const require = createRequire(join(root, 'package.json'));
  for (const [pkg, file] of [['vega', 'build/vega.min.js'], ['vega-lite', 'build/vega-lite.min.js'], ['vega-embed', 'build/vega-embed.min.js']]) {
    const dir = require.resolve.paths(pkg).map((d) => join(d, pkg)).find((d) => existsSync(join(d, file)));
    if (!dir) throw new Error(`${pkg}/${file} not found in node_modules -- run npm ci`);
    add(`vendor/${pkg}/${file}`, readFileSync(join(dir, file)));
    add(`vendor/${pkg}/package.json`, JSON.stringify({ name: pkg, version: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version }));
  }
  return files;
}

/** onnxruntime-node's native files for this platform (the binding finds the library beside it: its RUNPATH is $ORIGIN). */
function nativeDir(root) {
  const ortDir = dirname(createRequire(join(root, 'package.json')).resolve('onnxruntime-node/package.json'));
  const dist = readFileSync(join(ortDir, 'dist', 'binding.js'), 'utf8');
  const napi = /bin\/(napi-v\d+)\//.exec(dist)?.[1];
  if (!napi) throw new Error(`onnxruntime-node ${ortDir}: cannot find where dist/binding.js loads its binding from`);
  return join(ortDir, 'bin', napi, process.platform, process.arch);
}

/**
 * Writes dist/bundle/prism-bench.mjs and onnxruntime's native files beside it. Returns the
 * files written and the bundle's size. `minify` trades readable stack traces for a smaller file.
 */
export async function buildBundle({ root = ROOT, outDir = join(root, 'dist', 'bundle'), minify = true } = {}) {
  const sources = readSources(root);
  const assets = bundleAssets(root, sources);
  const assetsKey = sha256(JSON.stringify(assets));
  const info = { ...buildInfo(root, sources, 'bundle'), assetsKey };
  const srcUrl = (f) => JSON.stringify(join(root, f));
  const entry = `
import { join } from 'node:path';
import { packageRoot, useEmbeddedAssets } from ${srcUrl('src/assets.ts')};
import { setInstallRoot } from '${ENGINE_PACKAGE}/files';
import assets from 'prism-bench:assets';
useEmbeddedAssets(assets);
// the engine's models/ and trainers are among the embedded files, written out on first use
setInstallRoot(() => ({ root: packageRoot(), sources: join(packageRoot(), ${JSON.stringify(`${ENGINE_DIR}/src`)}) }));
const { main } = process.argv[2] === 'serve' ? await import(${srcUrl('src/cli/serve-main.ts')}) : await import(${srcUrl('src/cli/main.ts')});
process.exitCode = await main(process.argv);
`;
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = join(tmp, 'prism-bench.mjs');
  await esbuild.build({
    ...COMMON,
    absWorkingDir: root,
    stdin: { contents: entry, resolveDir: root, sourcefile: 'prism-bench-bundle-entry.mjs', loader: 'js' },
    outfile: out, minify,
    // the native binding stays a file beside the bundle
    external: ['*.node'],
    // CommonJS dependencies call require() and read __filename (write-file-atomic hashes it into
    // its temp names): give the ES module both
    define: { PRISM_BUILD: JSON.stringify(info), PRISM_REFERENCE_ENGINE_BUILD: engineBuild(info), __filename: '__prismFilename' },
    banner: { js: `#!/usr/bin/env node
import { createRequire as __prismCreateRequire } from 'node:module';
import { fileURLToPath as __prismFileURLToPath } from 'node:url';
const require = __prismCreateRequire(import.meta.url);
const __prismFilename = __prismFileURLToPath(import.meta.url);` },
    plugins: [
      engineResolver(root),
      fromMemory(root, sources),
      {
        name: 'prism-bundle',
        setup(build) {
          build.onResolve({ filter: /^prism-bench:assets$/ }, () => ({ path: 'assets', namespace: 'prism-assets' }));
          build.onLoad({ filter: /.*/, namespace: 'prism-assets' }, () => ({ contents: JSON.stringify(assets), loader: 'json' }));
          // onnxruntime-node loads its binding from ../bin/napi-vN/<platform>/<arch>/: in the bundle it lies beside the .mjs
          build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            const patched = text.replace(/require\(`\.\.\/bin\/napi-v\d+\/\$\{process\.platform\}\/\$\{process\.arch\}\/onnxruntime_binding\.node`\)/, 'require("./onnxruntime_binding.node")');
            if (patched === text) throw new Error(`${args.path}: the binding's require() is not where the bundle expects it (onnxruntime-node changed?)`);
            return { contents: patched, loader: 'js' };
          });
        },
      },
    ],
  });
  // esbuild leaves a few characters outside ASCII (in regular expressions); escaped, the file is
  // ASCII, which node decodes without the UTF-8 pass (about 10% of a start). \uXXXX means the
  // same character in a string, a template, a regular expression or an identifier.
  const code = readFileSync(out, 'utf8');
  if (/[^\x00-\x7f]/.test(code)) writeFileSync(out, code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const native = nativeDir(root);
  const copied = [];
  for (const f of readdirSync(native)) {
    copyFileSync(join(native, f), join(tmp, f));
    copied.push(f);
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return { dir: outDir, bundle: join(outDir, 'prism-bench.mjs'), files: ['prism-bench.mjs', ...copied], bytes: statSync(join(outDir, 'prism-bench.mjs')).size };
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const t0 = performance.now();
  if (args.includes('--bundle')) {
    const r = await buildBundle({ minify: !args.includes('--no-minify') });
    const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;
    const native = r.files.slice(1).map((f) => `${f} (${mb(statSync(join(r.dir, f)).size)})`).join(', ');
    console.log(`wrote ${relative(process.cwd(), r.bundle)} (${mb(r.bytes)}) and ${native} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    if (args.includes('--clean')) rmSync(join(ROOT, BUILDS_DIR), { recursive: true, force: true });
    const key = await ensureBuild(ROOT);
    const state = readPointer(ROOT);
    console.log(`dist build ${key} current (${state?.dir === key ? 'pointer written' : 'pointer not written'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
