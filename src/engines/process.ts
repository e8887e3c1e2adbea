// Starting and stopping engine processes. Each engine runs in its own process group, so a
// stop (or a harness killed by SIGINT) takes every child it spawned with it. A harness killed
// outright (kill -9, OOM killer) runs no handler at all, so each engine also gets a reaper: a
// tiny detached process holding a pipe from the harness; when the pipe closes (the harness is
// gone, however it went) the reaper ends the engine's process group and exits.
import { execa, type ResultPromise } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync, statSync } from 'node:fs';
import { EngineError, type EngineHandle } from './types.ts';
import { messageOf } from '../errors.ts';

export interface EngineProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<string>;
  readonly hasExited: () => boolean;
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(file: string, args: string[], opts: { logFile: string; env?: Record<string, string>; cwd?: string }): EngineProcess {
  closeSync(openSync(opts.logFile, 'a'));
  const log = { file: opts.logFile, append: true } as const;
  const child: ResultPromise = execa(file, args, {
    cwd: opts.cwd, env: opts.env, stdin: 'ignore', stdout: log, stderr: log,
    detached: true, // own process group: stop() signals the whole group
    reject: false, cleanup: true,
  });
  let done = false;
  const exited = child.then((r) => {
    done = true;
    if (r.failed && r.code === 'ENOENT') return `could not start '${file}': not found`;
    return r.signal ? `exited on signal ${r.signal}` : `exited with code ${r.exitCode}`;
  });
  const pid = child.pid;
  const reaper = pid === undefined ? undefined : startReaper(pid);
  void exited.then(() => setTimeout(() => reaper?.kill('SIGKILL'), 1000).unref()); // children it left get the group kill in stop()
  const signalGroup = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try { process.kill(-pid, sig); } catch { /* group already gone */ }
  };
  // a harness that exits for any reason takes its engines down with it
  const onExit = () => { signalGroup('SIGKILL'); reaper?.kill('SIGKILL'); };
  process.once('exit', onExit);
  return {
    pid,
    exited,
    hasExited: () => done,
    async stop(graceMs = 5000) {
      process.removeListener('exit', onExit);
      if (!done) {
        signalGroup('SIGTERM');
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') signalGroup('SIGKILL');
        await exited;
      }
      signalGroup('SIGKILL'); // stragglers the engine left in its group
      reaper?.kill('SIGKILL');
    },
  };
}

/**
 * The process side of a server the harness attached to (run --base-url): it started nothing, so
 * there is nothing to wait on, signal or reap; the handle's stop() leaves the server running.
 */
export function attachedProcess(): EngineProcess {
  return { pid: undefined, exited: new Promise<string>(() => {}), hasExited: () => false, stop: async () => {} };
}

// The reaper: argv[1] is the engine's process group. stdin is the harness's end of a pipe; it
// closes only when the harness exits. Then SIGTERM to the group, SIGKILL 3 s later.
const REAPER = `
const group = Number(process.argv[1]);
const signal = (s) => { try { process.kill(-group, s); return true; } catch { return false; } };
process.stdin.on('data', () => {});
process.stdin.on('error', () => {});
process.stdin.on('close', () => {
  if (!signal('SIGTERM')) process.exit(0);
  setTimeout(() => { signal('SIGKILL'); process.exit(0); }, 3000);
});
`;

/** Starts the reaper of an engine's process group (see REAPER); it does not keep the harness alive. */
export function startReaper(group: number): ChildProcess {
  const reaper = spawn(process.execPath, ['-e', REAPER, String(group)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  reaper.on('error', () => {});
  reaper.stdin?.on('error', () => {});
  reaper.unref();
  // why the cast: a pipe's stream has unref() at run time, but @types/node's Writable does not declare it
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return reaper;
}

export function logTail(file: string, lines = 20): string {
  if (!existsSync(file) || statSync(file).size === 0) return '(log empty)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** The part of an engine handle every protocol shares: the process, its readiness probe (failing with the log tail) and its stop. */
export function processHandle(url: string, proc: EngineProcess, logFile: string, waitHealthy: (deadline: number, isDead: () => string | null, signal?: AbortSignal) => Promise<void>):
  Pick<EngineHandle, 'url' | 'pid' | 'exited' | 'waitReady' | 'stop'> {
  let exitReason: string | null = null;
  // fire-and-forget: only records why the process ended, for isDead(); exited settles when the
  // process does, and whoever awaits the handle's `exited` sees any rejection
  void proc.exited.then((r) => { exitReason = r; });
  return {
    url,
    pid: proc.pid,
    exited: proc.exited,
    async waitReady(timeoutMs, signal) {
      try {
        await waitHealthy(Date.now() + timeoutMs, () => exitReason, signal);
      } catch (e) {
        throw new EngineError(`${messageOf(e)} (${timeoutMs / 1000}s limit); last lines of ${logFile}:\n${logTail(logFile)}`);
      }
    },
    stop: (graceMs) => proc.stop(graceMs),
  };
}
