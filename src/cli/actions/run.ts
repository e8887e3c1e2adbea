// `prism-bench run`, loaded only when it runs (../run.ts registers it).
import { readFileSync } from 'node:fs';
import { shellQuote } from '../../shell.ts';
import { join } from 'node:path';
import { writeFileAtomic } from '../../result/store.ts';
import { runSuite, type RunEvent } from '../../runner/run.ts';
import { dryRun, renderDryRun } from '../../runner/dry-run.ts';
import { loadSuite } from '../../suite/load.ts';
import { renderReport } from '../../report/index.ts';
import { EXIT, UsageError } from '../errors.ts';
import { DEFAULT_SUITE, FULL_SUITE } from '../suites.ts';
import { parsePair } from './gate.ts';
import { numberOption, intOption, useColor } from '../options.ts';
import { Progress, runCounter } from '../progress.ts';
import { terminalWidth } from '../../report/terminal.ts';
import { parseShardSpec } from '../../runner/shard.ts';
import { parseOverrideFlags, type OverrideFlags } from '../../suite/overrides.ts';
import { attachOption, attachSuite, checkOneEngine, parseAttachFlags, probeServer } from '../../runner/attach.ts';
import type { AttachOption } from '../../result/schema.ts';
import type { Suite } from '../../suite/types.ts';

export interface RunFlags extends OverrideFlags { suite: string; out?: string; quick?: boolean; full?: boolean; resume?: string; targetCi?: string; targetMde?: string; pair?: string; shard?: string; readyTimeout: string; json?: boolean; wide?: boolean; dryRun?: boolean; baseUrl?: string; engineKind?: string; draftLabel?: string; suiteGiven?: boolean }

export async function runAction(flags: RunFlags): Promise<void> {
  const o = withFullSuite(flags);
  const overrides = parseOverrideFlags(o);
  if (overrides && o.resume !== undefined) {
    const given = Object.keys(overrides).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(`${given.join(', ')}: a resumed run keeps the suite and overrides it started with (in its result.json) -- remove ${given.length > 1 ? 'them' : 'it'}`);
  }
  if (o.resume !== undefined && o.suiteGiven) throw new UsageError(`--suite: a resumed run keeps the suite it started with${resumedSuite(o.resume)} -- remove --suite`);
  const attachFlags = parseAttachFlags(o);
  // the server is asked what it runs before anything else happens (a bad answer: exit 2)
  const attach = attachFlags ? await attachTo(loadSuite(o.suite, { quick: o.quick, overrides }), attachFlags) : undefined;
  if (o.dryRun) {
    if (o.resume !== undefined) throw new UsageError('--dry-run: plans a new run from --suite; remove --resume');
    const suite = loadSuite(o.suite, { quick: o.quick, overrides });
    const plan = attach ? dryRun(attachSuite(suite, attach), attach) : dryRun(suite);
    process.stdout.write(o.json ? `${JSON.stringify(plan, null, 2)}\n` : renderDryRun(plan));
    process.exitCode = EXIT.ok;
    return;
  }
  if (o.pair !== undefined && o.targetMde === undefined) throw new UsageError('--pair: applies to --target-mde (gate --pair does the pairing); add --target-mde PCT or remove --pair');
  const targetMde = o.targetMde === undefined ? undefined : numberOption('--target-mde', o.targetMde, 0.01, 100);
  const pair = o.pair === undefined ? undefined : parsePair(o.pair);
  if (o.shard !== undefined && o.resume !== undefined) throw new UsageError(`--shard: a resumed run keeps the shard it started with (in its result.json) -- remove --shard`);
  const shard = o.shard === undefined ? undefined : parseShardSpec(o.shard) ?? undefined;
  if (o.shard !== undefined && !shard) throw new UsageError(`--shard ${o.shard}: expected i/n with whole numbers 1 <= i <= n, such as 2/5`);
  const controller = new AbortController();
  let bar: Progress | undefined;
  let runDir: string | undefined;
  const signals = interruptSignals();
  // SIGINT, SIGTERM and SIGHUP all take the one clean way out: stop the engines, save what
  // finished, write the reports and print the --resume hint. Only a second Ctrl-C forces an
  // exit: a SIGTERM often comes twice over (`timeout` signals npx and then its whole process
  // group; the parent watch sends one more once npx has gone), and must not cut the first short.
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`\ninterrupted${sig === 'SIGINT' ? '' : ` (${sig})`}: stopping the engine and saving finished cells (Ctrl-C again to force)\n`);
      controller.abort();
    } else if (sig === 'SIGINT') {
      process.stderr.write(`\nforced: finished cells are in result.json and requests.jsonl${runDir ? `; continue with  prism-bench run --resume ${runDir}` : ''}\n`);
      process.exit(EXIT.interrupted);
    }
  };
  for (const [sig, handler] of signals) process.on(sig, handler ?? onSignal);
  let counter = runCounter(0, 0);
  const onEvent = (e: RunEvent) => {
    switch (e.type) {
      case 'start': runDir = e.dir; counter = runCounter(e.cells, e.trials); bar = new Progress('run', e.cells * e.trials); bar.log(`run directory: ${e.dir}`); break;
      case 'launch': bar?.log(`starting ${e.group} (trial ${e.trial}), log ${e.log}`); break;
      case 'cell-start': bar?.update(e.done, e.cell, counter(e.cell, e.trial)); break;
      case 'cell-done': bar?.update(e.done, `${e.cell} ${e.throughput?.toFixed(1) ?? '?'} tok/s`, counter(e.cell, e.trial)); break;
      case 'cell-failed': bar?.log(`FAILED ${e.cell}: ${e.error.split('\n')[0]}`); break;
      case 'note': if (bar) bar.log(e.message); else process.stderr.write(`${e.message}\n`); break;
    }
  };
  try {
    const outcome = await runSuite({
      suiteFile: o.suite, outDir: o.out, resumeDir: o.resume, quick: o.quick, overrides,
      targetCi: o.targetCi === undefined ? undefined : numberOption('--target-ci', o.targetCi, 0.01, 100),
      targetMde, pair, shard, attach,
      readyTimeoutMs: intOption('--ready-timeout', o.readyTimeout, 1, 3600) * 1000,
      signal: controller.signal, onEvent,
    }).catch((e: unknown) => {
      bar?.done(); // the error's line starts on a line of its own
      throw e;
    });
    bar?.done();
    const { result, dir } = outcome;
    writeFileAtomic(join(dir, 'report.md'), renderReport(result, 'md'));
    writeFileAtomic(join(dir, 'report.csv'), renderReport(result, 'csv'));
    writeFileAtomic(join(dir, 'report.html'), renderReport(result, 'html'));
    if (o.json) process.stdout.write(renderReport(result, 'json'));
    else process.stdout.write(renderReport(result, o.wide ? 'table' : 'terminal', { color: useColor(), width: terminalWidth(), source: dir }));
    process.stderr.write(`results in ${dir} (result.json, requests.jsonl, report.md, report.csv, report.html, logs/)\n`);
    if (outcome.interrupted) {
      process.stderr.write(`interrupted: continue with  prism-bench run --resume ${shellQuote(dir)}\n`);
      process.exitCode = EXIT.interrupted;
    } else {
      process.exitCode = result.cells.some((c) => c.status === 'failed') ? EXIT.failed : EXIT.ok;
    }
  } finally {
    for (const [sig, handler] of signals) process.off(sig, handler ?? onSignal);
  }
}

const ignoreHangup = () => {};

/**
 * The signals a run handles, each with its handler (undefined: the interrupt). A run asked to
 * outlive its terminal (PRISM_BENCH_OUTLIVE_PARENT=1 nohup ...) ignores SIGHUP: node undoes
 * nohup's ignoring it, so without a handler a hangup would still end the run at once.
 */
function interruptSignals(env: NodeJS.ProcessEnv = process.env): [NodeJS.Signals, (() => void) | undefined][] {
  return [['SIGINT', undefined], ['SIGTERM', undefined], ['SIGHUP', env.PRISM_BENCH_OUTLIVE_PARENT === '1' ? ignoreHangup : undefined]];
}

/** The suite checked for attaching (one engine), then the server asked what it runs. */
async function attachTo(suite: Suite, flags: NonNullable<ReturnType<typeof parseAttachFlags>>): Promise<AttachOption> {
  checkOneEngine(suite);
  return attachOption(suite, flags, await probeServer(flags.baseUrl, flags.kind));
}

/** ' (FILE, recorded in DIR/result.json)', or '' where the run's result.json cannot say. */
function resumedSuite(dir: string): string {
  const file = join(dir, 'result.json');
  try {
    const suiteFile = (JSON.parse(readFileSync(file, 'utf8')) as { suiteFile?: unknown }).suiteFile;
    return typeof suiteFile === 'string' ? ` (${suiteFile}, recorded in ${file})` : '';
  } catch {
    return '';
  }
}

/** --full names suites/full.yaml; it stands for --suite, so the two (or --quick, or --resume) together are refused. */
function withFullSuite(o: RunFlags): RunFlags {
  if (!o.full) return o;
  if (o.suite !== DEFAULT_SUITE) throw new UsageError('--full: runs suites/full.yaml in place of --suite; remove one of them');
  if (o.quick) throw new UsageError('--full and --quick: --full runs the full-size suite, --quick shrinks the default one; remove one of them');
  if (o.resume !== undefined) throw new UsageError('--full: a resumed run keeps the suite it started with; remove --full');
  return { ...o, suite: FULL_SUITE };
}
