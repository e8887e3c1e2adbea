// What every HTTP engine client does the same way: wait for GET /health to answer 200, and read a
// streamed response as server-sent events (`data: {json}` blocks, `data: [DONE]` at the end),
// cut into events by eventsource-parser.
import { createParser } from 'eventsource-parser';
import { EngineError } from './types.ts';
import { messageOf } from '../errors.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `${baseUrl}/health` until 200; refused connections and other statuses mean still loading.
 * Fails when the process died (isDead names how), on abort, or past the deadline.
 */
export async function waitForHealth(baseUrl: string, deadline: number, isDead: () => string | null, signal: AbortSignal | undefined, pollMs: number): Promise<void> {
  for (;;) {
    const dead = isDead();
    if (dead) throw new EngineError(`engine ${dead} before becoming ready`);
    if (signal?.aborted) throw new EngineError('interrupted while waiting for the engine');
    try {
      const r = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new EngineError('engine did not become ready before the timeout');
    await sleep(pollMs);
  }
}

/** The end of a stream: `data: [DONE]`. */
export const STREAM_DONE = Symbol('data: [DONE]');

/**
 * Each `data:` payload of a server-sent-event stream, parsed, as it arrives; STREAM_DONE for
 * `[DONE]`. An `error` payload, a broken connection or unparsable data end it with an EngineError.
 * Events are cut by eventsource-parser; an event with several `data:` lines gives one payload per line.
 */
export async function* serverSentData(body: unknown): AsyncGenerator<Record<string, unknown> | typeof STREAM_DONE> {
  const decoder = new TextDecoder();
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event) => { pending.push(...event.data.split('\n')); } });
  try {
    // why: fetch's body (a web ReadableStream) is async-iterable in Node, which the DOM types do not say
    for await (const part of body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(part, { stream: true }));
      for (const line of pending.splice(0)) {
        const data = line.trim();
        if (data === '[DONE]') { yield STREAM_DONE; continue; }
        const obj = JSON.parse(data) as Record<string, unknown>; // why: only read by key below, each value checked where used
        if (obj.error) throw new EngineError(`engine error: ${JSON.stringify(obj.error).slice(0, 300)}`);
        yield obj;
      }
    }
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError(`stream broke off: ${messageOf(e)}`);
  }
}
