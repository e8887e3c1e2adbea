// Engine graphs kept on disk between launches. Building the target's graph (fp16 weights widened,
// transposed, serialized) and letting onnxruntime optimize it takes seconds per launch; a CI gate
// that relaunches its engines every round spends most of its time there. The first launch saves
// the graph as onnxruntime optimized it; later launches load that file with optimization off.
// A cache entry is keyed by everything that decides the graph: the weights' sha256, the options,
// the source of the graph builders, the onnxruntime version and the CPU (optimized graphs can be
// specific to the machine's instruction set).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createSession, type CreateSessionOptions, type OnnxSession } from './session.ts';

export interface GraphCache {
  dir: string;
  /** what every key includes: builder sources, onnxruntime version, CPU model */
  salt: string;
}

/**
 * What a compiled copy of the engine embeds about itself: a bundler compiling it defines
 * PRISM_REFERENCE_ENGINE_BUILD (prism-bench's scripts/build.mjs does), since the compiled code
 * has neither the builders' .ts files nor, in a single-file bundle, onnxruntime-node's
 * package.json. Undefined from the sources.
 */
declare const PRISM_REFERENCE_ENGINE_BUILD: { graphBuilders: string; ortVersion: string };
const BUILD = typeof PRISM_REFERENCE_ENGINE_BUILD === 'undefined' ? undefined : PRISM_REFERENCE_ENGINE_BUILD;

/** Source folders whose code decides what a built graph contains, under the package's src/ (scripts/build.mjs hashes the same). */
export const BUILDER_SOURCE_DIRS = ['model', 'kernels/onnx'] as const;

/**
 * sha256 over the builders' .ts files (each folder's, sorted by name: name, then content). A build
 * computes it from the sources it compiles and embeds it, since a build's folder holds no .ts
 * files; from the sources it is computed here, the same way, so both key the same entries.
 */
export function builderSourcesHash(): string {
  if (BUILD) return BUILD.graphBuilders;
  const h = createHash('sha256');
  for (const d of BUILDER_SOURCE_DIRS) {
    const dir = fileURLToPath(new URL(`../../${d}/`, import.meta.url));
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) h.update(f).update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

let saltMemo: string | undefined;
function salt(): string {
  if (saltMemo) return saltMemo;
  const ort = BUILD?.ortVersion ?? (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  saltMemo = createHash('sha256').update(builderSourcesHash()).update(`onnxruntime-node ${ort}; ${cpus()[0]?.model ?? 'cpu'}; ${process.arch}`).digest('hex');
  return saltMemo;
}

/**
 * The cache at `dir`, or none when $PRISM_GRAPH_CACHE is `off` (then every launch builds its
 * graphs, as before). $PRISM_GRAPH_CACHE set to a path moves the cache there.
 */
export function graphCache(defaultDir: string): GraphCache | undefined {
  const env = process.env.PRISM_GRAPH_CACHE;
  if (env === 'off' || env === '0') return undefined;
  return { dir: env && env !== '1' ? env : defaultDir, salt: salt() };
}

/** What a cache key is made of: anything JSON-serializable. */
export function cacheKey(cache: GraphCache, key: unknown): string {
  return createHash('sha256').update(cache.salt).update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

/**
 * A session for the graph `build()` makes, read from the cache when an entry for `key` exists.
 * On a miss the graph is built, optimized by onnxruntime and saved (written under a temporary
 * name and renamed, so concurrent launches never read half a file). Without a cache: build and go.
 */
export async function cachedSession(cache: GraphCache | undefined, key: unknown, build: () => Uint8Array, opts: CreateSessionOptions = {}): Promise<OnnxSession & { fromCache: boolean }> {
  if (!cache) return { ...(await createSession(build(), opts)), fromCache: false };
  const file = join(cache.dir, `${cacheKey(cache, key)}.onnx`);
  if (existsSync(file)) {
    try {
      return { ...(await createSession(file, { ...opts, graphOptimizationLevel: 'disabled' })), fromCache: true };
    } catch {
      rmSync(file, { force: true }); // damaged entry: rebuild it below
    }
  }
  const bytes = build();
  try {
    mkdirSync(cache.dir, { recursive: true });
  } catch {
    return { ...(await createSession(bytes, opts)), fromCache: false }; // unwritable: no cache, same graph
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const session = await createSession(bytes, { ...opts, optimizedModelFilePath: tmp });
  try { renameSync(tmp, file); } catch { rmSync(tmp, { force: true }); }
  prune(cache.dir, MAX_ENTRIES);
  return { ...session, fromCache: false };
}

/** Entries kept: enough for every target and draft variant of a few builds (a gate's base and head). */
export const MAX_ENTRIES = 32;

/** Drops the least recently written entries beyond `keep` (each build of the graph code adds new ones). */
function prune(dir: string, keep: number): void {
  try {
    const entries = readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(keep)) rmSync(join(dir, f), { force: true });
  } catch { /* another launch pruned first */ }
}
