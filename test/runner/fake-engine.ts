// An in-process engine for the runner's unit tests: an adapter whose handles answer generate()
// at once and deterministically, spawning nothing. Each request advances a fake clock (handed
// to the runner as its `now`) by the seconds the test scripts for it, so trial wall times, and
// so throughputs, are exact. Engines are told apart by their suite option `fake` (the suite's
// engine name stays `reference`, the only names a suite may use); everything they do is logged.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { EngineAdapter, EngineHandle, GenerateOutcome, GenerateRequest, LaunchSpec, MetricSource } from '../../src/engines/types.ts';
import { DRAFT_METHODS, type Suite } from '../../src/suite/types.ts';
import type { EngineRegistry, RunDeps } from '../../src/runner/run.ts';

export interface FakeBehaviour {
  /** seconds the n-th generate call (1-based, over every launch of this engine, warm-ups included) takes; default 1 */
  seconds?: (call: number) => number;
  /** generate calls (numbered as above) that fail */
  failCalls?: readonly number[];
  /** launches (1-based) whose every generate call fails: a fresh engine that fails its warm-up */
  failLaunches?: readonly number[];
}

export type FakeEvent =
  | { type: 'launch' | 'stop'; engine: string; launch: number }
  | { type: 'generate'; engine: string; launch: number; call: number; text: string; failed: boolean };

const OPTIONS = z.object({ fake: z.string(), perRequest: z.boolean().optional() });

/** A fake fingerprint: a machine without GPUs (so no GPU is queried). */
export const FAKE_FINGERPRINT: Record<string, unknown> = {
  cpu: { manufacturer: 'Fake', brand: 'In-process CPU', physicalCores: 1, logicalCores: 1 },
  memory: { totalBytes: 1 }, os: { platform: 'fake' }, node: { version: process.version }, gpus: [], hostname: 'fake',
};

export interface FakeEngines {
  /** what runSuite takes from outside, all fake */
  deps: RunDeps;
  events: FakeEvent[];
  /** the fake clock, in milliseconds */
  clock: { ms: number };
  /** generate events of one engine, or of all */
  generates(engine?: string): Extract<FakeEvent, { type: 'generate' }>[];
}

/** Fake engines, by the value of their `fake` option. An engine the map does not name behaves by default. */
export function fakeEngines(behaviours: Record<string, FakeBehaviour> = {}): FakeEngines {
  const clock = { ms: 0 };
  const events: FakeEvent[] = [];
  const launches = new Map<string, number>();
  const calls = new Map<string, number>();

  function handle(id: string, launch: number, spec: LaunchSpec): EngineHandle {
    const b = behaviours[id] ?? {};
    let stopped = false;
    return {
      url: `fake://${id}/${launch}`,
      pid: undefined,
      exited: new Promise<string>(() => {}),
      async waitReady() {},
      async describe() { return { version: 'fake-1', info: { engine: id, launch, draft: spec.draft.name } }; },
      async generate(req: GenerateRequest): Promise<GenerateOutcome> {
        if (stopped) throw new Error(`fake engine ${id} (launch ${launch}) was stopped`);
        const call = (calls.get(id) ?? 0) + 1;
        calls.set(id, call);
        const failed = (b.failCalls ?? []).includes(call) || (b.failLaunches ?? []).includes(launch);
        events.push({ type: 'generate', engine: id, launch, call, text: req.text, failed });
        if (failed) throw new Error(`fake engine ${id}: request ${call} failed`);
        const seconds = b.seconds?.(call) ?? 1;
        clock.ms += seconds * 1000;
        return {
          text: `${id}:${req.text}`, outputIds: [1, 2, 3], promptTokens: 8, completionTokens: req.maxNewTokens, finishReason: 'length',
          verifyCycles: null, acceptedHistogram: null, proposedDrafts: null, acceptedDrafts: null, draftSeconds: null, verifySeconds: null,
          draftSteps: null, ttftSeconds: null, e2eSeconds: seconds, engineE2eSeconds: null,
        };
      },
      async stop() {
        stopped = true;
        events.push({ type: 'stop', engine: id, launch });
      },
    };
  }

  const adapter: EngineAdapter = {
    name: 'reference',
    measures: { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
    sources: { throughput: 'client' },
    // an engine whose options change where a figure comes from (as vLLM's per-request metrics do)
    declared: (options) => ({
      measures: { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
      sources: (options.perRequest === true ? { throughput: 'client', draft_accept_rate: 'derived' } : { throughput: 'client' }) as Record<string, MetricSource>,
    }),
    accepts: { methods: DRAFT_METHODS, options: OPTIONS },
    formatPrompt: (turns) => turns[turns.length - 1] ?? '',
    plan: () => ({ command: ['fake'], env: {}, ready: 'in process' }),
    requestShape: (req) => ({ method: 'POST', path: '/fake', body: { text: req.text } }),
    async launch(spec: LaunchSpec): Promise<EngineHandle> {
      const id = OPTIONS.parse(spec.options).fake;
      const launch = (launches.get(id) ?? 0) + 1;
      launches.set(id, launch);
      events.push({ type: 'launch', engine: id, launch });
      mkdirSync(dirname(spec.logFile), { recursive: true });
      writeFileSync(spec.logFile, `fake engine ${id}, launch ${launch}\n`);
      return handle(id, launch, spec);
    },
  };
  const engines: EngineRegistry = {
    adapter: () => adapter,
    check(suite: Suite) {
      for (const e of suite.engines) OPTIONS.parse(e.options);
    },
  };
  return {
    deps: { engines, fingerprint: async () => structuredClone(FAKE_FINGERPRINT), now: () => clock.ms },
    events,
    clock,
    generates: (engine) => events.filter((e): e is Extract<FakeEvent, { type: 'generate' }> => e.type === 'generate' && (engine === undefined || e.engine === engine)),
  };
}
