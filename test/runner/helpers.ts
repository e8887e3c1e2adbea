// Shared by the runner's unit tests: a suite file in a fresh directory, a run of it on fake
// engines, and the journal's lines as written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSuite, type RunEvent, type RunOptions, type RunOutcome } from '../../src/runner/run.ts';
import { fakeEngines, type FakeBehaviour, type FakeEngines } from './fake-engine.ts';

/** One engine, vanilla and ngram on qa, two trials of two prompts: a small run that has trials to lose (resume, session). */
export const TWO_DRAFT_SUITE = `engines: [{ name: reference, options: { fake: ref } }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [qa]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 8, trials: 2, warmup: 0 }
`;

/** A new temporary directory holding `suite.yaml` with this text. */
export function suiteDir(yaml: string): { dir: string; suite: string } {
  const dir = mkdtempSync(join(tmpdir(), 'prism-runner-'));
  const suite = join(dir, 'suite.yaml');
  writeFileSync(suite, yaml);
  return { dir, suite };
}

export interface FakeRun extends RunOutcome {
  fake: FakeEngines;
  events: RunEvent[];
}

/** Runs (or, with resumeDir, resumes) a suite on fake engines. */
export async function runFake(options: Partial<RunOptions> & { suiteFile: string }, behaviours: Record<string, FakeBehaviour> = {}): Promise<FakeRun> {
  const fake = fakeEngines(behaviours);
  const events: RunEvent[] = [];
  const outcome = await runSuite({ ...options, onEvent: (e) => events.push(e) }, fake.deps);
  return { ...outcome, fake, events };
}

/** The journal's lines, parsed (every line must parse). */
export function journalLines(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The engines' labels in the order of their trials in each round, from the journal's trial lines. */
export function trialOrder(dir: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const l of journalLines(dir)) {
    if (l.kind !== 'trial') continue;
    const list = out.get(l.trial as number) ?? [];
    list.push(String(l.cell).split('/')[0] ?? '');
    out.set(l.trial as number, list);
  }
  return out;
}
