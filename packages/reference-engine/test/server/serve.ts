// Starts the real `prism-bench serve` on a free loopback port for a test file and stops it after.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/prism-bench.js', import.meta.url));

export interface RunningServer {
  base: string;
  port: number;
  output: () => string;
  /** SIGTERM, resolves with the exit code */
  stop: () => Promise<number | null>;
}

export async function startServe(args: string[]): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${output}`)); });
  });
  const deadline = Date.now() + 120_000;
  while ((await fetch(`${base}/health`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > deadline) { child.kill('SIGTERM'); throw new Error(`never healthy:\n${output}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base, port: Number(new URL(base).port), output: () => output,
    stop: async () => { child.kill('SIGTERM'); return exited; },
  };
}

export async function postJson(base: string, path: string, body: unknown): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}

/** the JSON objects of an SSE answer's `data:` lines, and whether it ended with [DONE] */
export function sseChunks(text: string): { chunks: any[]; done: boolean } {
  const lines = text.split('\n\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  const done = lines[lines.length - 1] === '[DONE]';
  return { chunks: lines.filter((l) => l !== '[DONE]').map((l) => JSON.parse(l)), done };
}
