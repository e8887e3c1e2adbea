// The harness ends when whoever started it goes away. `npx prism-bench ...` runs node under
// `npm exec` and a shell; a SIGTERM to npx (what `timeout` and CI cancellations send) ends npm
// and the shell but never reaches node, which is left running with a new parent. So every
// command watches the process that started it and, once it is gone, sends itself SIGTERM:
// `run` then stops its engines and saves finished cells, `serve` closes its port, and commands
// without a handler end at once. The engine server (`serve`, started by `run`) watches `run` the
// same way. PRISM_BENCH_OUTLIVE_PARENT=1 turns the watch off, for a run meant to outlive the shell
// that started it (`PRISM_BENCH_OUTLIVE_PARENT=1 nohup prism-bench run ... &`).
import { errnoCode } from '../errors.ts';

/** True while the process `pid` exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/**
 * Polls the parent every `intervalMs`; when it has gone, calls `onGone` once (default: SIGTERM
 * to this process). Does not keep the process alive. Returns a function that stops watching.
 */
export function watchParent(opts: { intervalMs?: number; onGone?: () => void; env?: NodeJS.ProcessEnv } = {}): () => void {
  const parent = process.ppid;
  // started by init (or a container's pid 1): nothing to watch; or asked to outlive its shell (nohup)
  if (parent <= 1 || (opts.env ?? process.env).PRISM_BENCH_OUTLIVE_PARENT === '1') return () => {};
  const onGone = opts.onGone ?? (() => process.kill(process.pid, 'SIGTERM'));
  const timer = setInterval(() => {
    if (processAlive(parent)) return;
    clearInterval(timer);
    onGone();
  }, opts.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
