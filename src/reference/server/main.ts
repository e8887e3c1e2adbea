// `prism-bench serve`: loads the target, warms it up, then serves until SIGTERM/SIGINT.
// Started by the harness as a separate process, exactly as SGLang would be.
import { OnnxDecoder } from '../model/target.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH } from '../model/config.ts';
import { packageVersion } from '../../version.ts';
import { ReferenceEngine, type DraftMethod } from './engine.ts';
import { startServer } from './http.ts';
import type { EngineFaults } from '../decoding/generate.ts';

export interface ServeOptions {
  draft: DraftMethod;
  host: string;
  port: number;
  modelDir?: string;
  threads?: number;
  draftTokens: number;
  ngramMin: number;
  ngramMax: number;
  maxBodyBytes: number;
  faults: EngineFaults;
  log?: (line: string) => void;
}

export async function serve(opts: ServeOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const modelDir = opts.modelDir ?? TARGET_DIR;
  const version = packageVersion();
  log(`prism-bench reference engine ${version}: loading ${modelDir} (draft ${opts.draft})`);
  const t0 = performance.now();
  const serverArgs: Record<string, unknown> = {
    model_path: modelDir, host: opts.host, port: opts.port, speculative_algorithm: null,
    prism_draft: opts.draft, prism_draft_tokens: opts.draft === 'vanilla' ? 0 : opts.draftTokens,
    prism_threads: opts.threads ?? null, prism_faults: opts.faults,
  };
  if (opts.draft === 'ngram') {
    Object.assign(serverArgs, {
      speculative_algorithm: 'NGRAM',
      // SGLang counts the root token: tokens verified per cycle = drafted tokens + 1
      speculative_num_draft_tokens: opts.draftTokens + 1,
      speculative_ngram_min_match_window_size: opts.ngramMin,
      speculative_ngram_max_match_window_size: opts.ngramMax,
    });
  }
  const srv = await startServer({ modelPath: modelDir, version, host: opts.host, port: opts.port, maxBodyBytes: opts.maxBodyBytes, serverArgs });
  const addr = srv.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  serverArgs.port = port;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  log(`listening on ${url} (pid ${process.pid}; health 503 until the model is loaded and warm)`);
  const model = await OnnxDecoder.load(modelDir, { threads: opts.threads });
  const tokenizer = Tokenizer.load(TOKENIZER_PATH);
  const engine = new ReferenceEngine(model, tokenizer, {
    draft: opts.draft, draftTokens: opts.draftTokens, ngramMin: opts.ngramMin, ngramMax: opts.ngramMax, faults: opts.faults,
  });
  serverArgs.max_total_tokens = model.maxContext;
  srv.setEngine(engine);
  // warm-up: one short generation so the first measured request pays no one-time costs
  await engine.submit({ prompt: tokenizer.encode('Warm up.'), maxNewTokens: 4, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, stop: [], stopTokenIds: [], seed: 0 });
  srv.setReady(true);
  log(`ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    url,
    stop: async () => { await srv.close(); await model.release(); },
  };
}
