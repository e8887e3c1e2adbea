import type { Command } from 'commander';
import { serve } from '../reference/server/main.ts';
import { DRAFT_METHODS, type DraftMethod } from '../reference/server/engine.ts';
import { UsageError } from './errors.ts';
import { intOption } from './options.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the embedded reference engine: an HTTP server speaking SGLang\'s native protocol')
    .option('--draft <method>', `decoding mode: ${DRAFT_METHODS.join(' | ')}`, 'vanilla')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '30000')
    .option('--model <dir>', 'model directory with manifest.json and model.safetensors (default: the shipped target)')
    .option('--threads <n>', 'onnxruntime intra-op threads (default: one per core)')
    .option('--draft-tokens <n>', 'tokens drafted per cycle (ngram)', '6')
    .option('--ngram-min <n>', 'shortest n-gram prompt lookup matches', '1')
    .option('--ngram-max <n>', 'longest n-gram prompt lookup tries first', '4')
    .option('--max-body-bytes <n>', 'largest request body accepted', String(1 << 20))
    // SGLang's own launch flags, so an SGLang launcher line (and the sglang adapter) can start this engine
    .option('--model-path <dir>', 'SGLang-compatible alias of --model')
    .option('--speculative-algorithm <name>', 'SGLang-compatible: NGRAM selects --draft ngram')
    .option('--speculative-num-draft-tokens <n>', 'SGLang-compatible: tokens verified per cycle including the root (= --draft-tokens + 1)')
    .option('--speculative-ngram-min-match-window-size <n>', 'SGLang-compatible alias of --ngram-min')
    .option('--speculative-ngram-max-match-window-size <n>', 'SGLang-compatible alias of --ngram-max')
    .option('--fault-verify-delay-ms <ms>', 'planted fault for gate tests: sleep this long in every verify cycle (default: $PRISM_FAULT_VERIFY_DELAY_MS or 0)', process.env.PRISM_FAULT_VERIFY_DELAY_MS ?? '0')
    .option('--fault-accept-wrong-token', 'planted fault for audit tests: verification accepts one wrong token per request')
    .option('--fault-crash-after-requests <n>', 'planted fault for harness tests: the process exits when a request arrives after n completed ones (the warm-up counts)', '0')
    .option('--fault-ignore-temperature', 'planted fault for audit tests: decode greedily whatever the requested temperature')
    .addHelpText('after', `
Examples:
  prism-bench serve --draft ngram --port 30000
  curl -s localhost:30000/generate -d '{"text": "The jury said", "sampling_params": {"max_new_tokens": 32, "temperature": 0}}'

The faults are off by default and exist only to prove that gate and audit catch them.
PRISM_FAULT_VERIFY_DELAY_MS plants the slowdown through the environment, so a run can carry it
without any change to its suite (as a real engine regression would).`)
    .action(async (o: Record<string, string | boolean | undefined>) => {
      applySglangAliases(o);
      if (!DRAFT_METHODS.includes(o.draft as DraftMethod)) throw new UsageError(`--draft: unknown method '${String(o.draft)}'; use one of ${DRAFT_METHODS.join(', ')}`);
      // handlers go in first: a SIGTERM while the model loads still ends the process cleanly
      let running: Awaited<ReturnType<typeof serve>> | undefined;
      let stopping = false;
      const stopped = new Promise<void>((resolve) => {
        const shutdown = (sig: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`${sig}: shutting down`);
          if (!running) process.exit(0);
          running.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
      running = await serve({
        draft: o.draft as DraftMethod,
        host: o.host as string,
        port: intOption('--port', o.port, 0, 65535),
        modelDir: o.model as string | undefined,
        threads: o.threads === undefined ? undefined : intOption('--threads', o.threads, 1, 256),
        draftTokens: intOption('--draft-tokens', o.draftTokens, 1, 64),
        ngramMin: intOption('--ngram-min', o.ngramMin, 1, 64),
        ngramMax: intOption('--ngram-max', o.ngramMax, 1, 64),
        maxBodyBytes: intOption('--max-body-bytes', o.maxBodyBytes, 1024, 1 << 30),
        faults: {
          verifyDelayMs: intOption('--fault-verify-delay-ms', o.faultVerifyDelayMs, 0, 60_000),
          acceptWrongToken: o.faultAcceptWrongToken === true,
          ignoreTemperature: o.faultIgnoreTemperature === true,
          crashAfterRequests: intOption('--fault-crash-after-requests', o.faultCrashAfterRequests, 0, 1_000_000),
        },
      });
      await stopped;
    });
}

/** Maps SGLang's launch flags onto this engine's own. */
function applySglangAliases(o: Record<string, string | boolean | undefined>): void {
  if (o.modelPath !== undefined) o.model = o.modelPath;
  if (o.speculativeAlgorithm !== undefined) {
    const algo = String(o.speculativeAlgorithm).toUpperCase();
    if (algo !== 'NGRAM') throw new UsageError(`--speculative-algorithm: the reference engine offers NGRAM only (or no flag for vanilla), got '${String(o.speculativeAlgorithm)}'`);
    o.draft = 'ngram';
  }
  if (o.speculativeNumDraftTokens !== undefined) o.draftTokens = String(intOption('--speculative-num-draft-tokens', o.speculativeNumDraftTokens, 2, 65) - 1);
  if (o.speculativeNgramMinMatchWindowSize !== undefined) o.ngramMin = o.speculativeNgramMinMatchWindowSize;
  if (o.speculativeNgramMaxMatchWindowSize !== undefined) o.ngramMax = o.speculativeNgramMaxMatchWindowSize;
}
