// Starting and stopping engine processes. Each engine runs in its own process group, so a
// stop (or a harness killed by SIGINT) takes every child it spawned with it.
import { execa, type ResultPromise } from 'execa';
import { openSync, closeSync, readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';

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
  const signalGroup = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    try { process.kill(-pid, sig); } catch { /* group already gone */ }
  };
  // a harness that exits for any reason takes its engines down with it
  const onExit = () => signalGroup('SIGKILL');
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
    },
  };
}

export function logTail(file: string, lines = 20): string {
  if (!existsSync(file) || statSync(file).size === 0) return '(log empty)';
  const all = readFileSync(file, 'utf8').trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** Asks the OS for a free TCP port on host. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
