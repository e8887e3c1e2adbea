// Types of scripts/build.mjs for the TypeScript that calls it (test/bundle).
export declare const KEEP_BUILDS: number;
/** Makes dist/build current for the sources; returns the build's folder name under dist/build. */
export declare function ensureBuild(root?: string, stamp?: string): Promise<string>;
/** Writes the single-file bundle and onnxruntime's native files to outDir (default dist/bundle). */
export declare function buildBundle(opts?: { root?: string; outDir?: string; minify?: boolean }): Promise<{ dir: string; bundle: string; files: string[]; bytes: number }>;
