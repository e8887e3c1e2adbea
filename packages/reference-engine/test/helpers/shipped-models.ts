// Options that load the shipped target and the drafts against it as the engine loads them:
// through the graph cache. Here the cache is the test run's own ($PRISM_TEST_CACHE/graphs, made
// fresh by scripts/run-tests.mjs for each run), so a file reuses the graphs an earlier file of the
// same run built, about 3 s of each model-loading file, and never a graph from another run or
// checkout. A file run on its own (no run cache) builds every graph from the weights, as before.
// Graph building itself is tested in test/kernels/graph-cache.test.ts and by the first file to load.
import { join } from 'node:path';
import { sha256FileCached } from '../../src/model/file-digest.ts';
import { graphCache, type GraphCache } from '../../src/kernels/onnx/graph-cache.ts';
import { TARGET_DIR } from '../../src/model/config.ts';

const WEIGHTS = join(TARGET_DIR, 'model.safetensors');

let runCacheMemo: { cache: GraphCache; weightsId: string } | null | undefined;
/** The run's graph cache and the target weights' sha256 that keys it; undefined outside a run (or with PRISM_GRAPH_CACHE=off). */
export function runGraphCache(): { cache: GraphCache; weightsId: string } | undefined {
  if (runCacheMemo === undefined) {
    const dir = process.env.PRISM_TEST_CACHE;
    const cache = dir ? graphCache(join(dir, 'graphs')) : undefined;
    runCacheMemo = cache && dir ? { cache, weightsId: sha256FileCached(WEIGHTS, join(dir, 'sha256')) } : null;
  }
  return runCacheMemo ?? undefined;
}

/** Spread into OnnxDecoder.fromWeights' options for the shipped target's weights (and only those: the cache is keyed by their sha256). */
export function targetGraphCache(): { graphCache?: { cache: GraphCache; weightsId: string } } {
  const run = runGraphCache();
  return run ? { graphCache: { cache: run.cache, weightsId: run.weightsId } } : {};
}

/** Spread into createDrafter / LearnedDrafter.load / MedusaDrafter.load options, for drafts loaded against the shipped target. */
export function draftGraphCache(): { graphCache?: { cache: GraphCache; targetWeightsId: string } } {
  const run = runGraphCache();
  return run ? { graphCache: { cache: run.cache, targetWeightsId: run.weightsId } } : {};
}
