// Where the engine's files are: the install root (models/ with the target, the drafts and the
// tokenizer; .cache/ for the graph cache, file digests and training work) and the folder of the
// files kept beside its code (the Python trainers). Three layouts:
//  - from the sources (tsx: the tests, the benchmarks): this file is
//    packages/reference-engine/src/files.ts, the root three folders up (the repository);
//  - compiled into prism-bench's dist build (scripts/build.mjs): every module is a flat file in
//    dist/build/<key>/, again three folders below the root, and the trainers are copied beside
//    them (dist/build/<key>/train/);
//  - bundled into prism-bench's single file: its files are written to a cache folder, and the
//    bundle's entry says where through setInstallRoot() before the engine's modules load.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EngineFiles {
  /** the folder holding models/ (and .cache/) */
  root: string;
  /** the folder holding the files kept beside the engine's code, by their path under src/ (train/train_target.py) */
  sources: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
let hook: (() => EngineFiles) | undefined;

/**
 * Points the engine at its files when they are not where its code is (a single-file bundle).
 * Called before any module reading the paths loads (the model paths are computed on load); the
 * function is called on first use.
 */
export function setInstallRoot(files: () => EngineFiles): void {
  hook = files;
}

/** Where the engine's files are (see above). */
export function engineFiles(): EngineFiles {
  return hook?.() ?? { root: join(HERE, '..', '..', '..'), sources: HERE };
}

/** The install root: the folder holding models/ and .cache/. */
export const installRoot = (): string => engineFiles().root;

/** A file kept beside the engine's code, by its path under src/ (e.g. train/train_target.py). */
export const engineFile = (rel: string): string => join(engineFiles().sources, rel);
