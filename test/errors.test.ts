// One error base: every project error class is a PrismError carrying its exit code, and the CLI
// turns a thrown error into the exit code in one place (runProgram).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { EXIT, PrismError, PrismInputError } from '../src/errors.ts';
import { EXIT as CLI_EXIT, UsageError } from '../src/cli/errors.ts';
import { runProgram } from '../src/cli/program.ts';
import { SuiteError } from '../src/suite/errors.ts';
import { OverrideError } from '../src/suite/overrides.ts';
import { ResultError } from '../src/result/errors.ts';
import { JournalWriteError, RunInputError } from '../src/runner/session.ts';
import { SweepError } from '../src/sweep/manifest.ts';
import { ImportError } from '../src/importers/types.ts';
import { InputError } from '../src/gate/comparable.ts';
import { BaselineError } from '../src/gate/baseline.ts';
import { SlurmError } from '../src/slurm/commands.ts';
import { EngineError } from '../src/engines/types.ts';
import { ChatTemplateError } from '../src/engines/chat-template.ts';
import { DraftConfigError, ReferenceEngineError } from '@prism-bench/reference-engine/contract';
import { NvidiaSmiParseError } from '../src/hardware/nvidia.ts';
import { AmdSmiParseError } from '../src/hardware/amd.ts';
import { AttachError } from '../src/runner/attach.ts';
import { ProfileError } from '../src/profile/schema.ts';
import { ProjectionError } from '../src/projection/speedup.ts';

/** every exported error class in src/, one instance each, with the exit code it ends the CLI with */
const CASES: Array<[name: string, make: () => Error, exitCode: number]> = [
  ['UsageError', () => new UsageError('m'), 2],
  ['SuiteError', () => new SuiteError('suite.yaml', 'drafts[0]', 'bad', 'fix it'), 2],
  ['OverrideError', () => new OverrideError('--trials', 'bad', 'fix it'), 2],
  ['ResultError', () => new ResultError('m'), 2],
  ['RunInputError', () => new RunInputError('m'), 2],
  ['SweepError', () => new SweepError('m'), 2],
  ['ImportError', () => new ImportError('m'), 2],
  ['InputError', () => new InputError('m'), 2],
  ['BaselineError', () => new BaselineError('m'), 2],
  ['AttachError', () => new AttachError('--base-url', 'bad', 'fix it'), 2],
  ['ProfileError', () => new ProfileError('m'), 2],
  ['ProjectionError', () => new ProjectionError('m'), 2],
  ['SlurmError', () => new SlurmError('m'), 1],
  ['JournalWriteError', () => new JournalWriteError('requests.jsonl', new Error('disk full')), 1],
  ['EngineError', () => new EngineError('m'), 1],
  ['ChatTemplateError', () => new ChatTemplateError('model', 'bad', 'fix it'), 1],
  ['NvidiaSmiParseError', () => new NvidiaSmiParseError('m'), 1],
  ['AmdSmiParseError', () => new AmdSmiParseError('m'), 1],
];

test('the exit codes keep their values', () => {
  assert.deepEqual(EXIT, { ok: 0, failed: 1, usage: 2, interrupted: 130 });
  assert.equal(CLI_EXIT, EXIT);
});

test('every project error class is a PrismError with its exit code', () => {
  for (const [name, make, exitCode] of CASES) {
    const e = make();
    assert.equal(e.constructor.name, name);
    assert.ok(e instanceof PrismError, `${name} is a PrismError`);
    assert.equal((e as PrismError).exitCode, exitCode, `${name} exits ${exitCode}`);
    assert.equal(e instanceof PrismInputError, exitCode === EXIT.usage, `${name}: PrismInputError iff exit 2`);
  }
  assert.equal(new SlurmError('sbatch refused', EXIT.usage).exitCode, 2);
});

test('messages and fields are kept', () => {
  const s = new SuiteError('suite.yaml', 'drafts[1].ngramMax', 'must be at least 1', 'set it to 1 or more');
  assert.equal(s.message, 'suite.yaml: drafts[1].ngramMax: must be at least 1 -- set it to 1 or more');
  assert.equal(s.name, 'SuiteError');
  assert.equal(s.path, 'drafts[1].ngramMax');
  const c = new ChatTemplateError('chatTemplate', 'x.jinja: not found', 'set options.chatTemplate');
  assert.equal(c.message, 'x.jinja: not found -- set options.chatTemplate');
  assert.equal(c.at, 'chatTemplate');
  assert.equal(new ImportError('m').name, 'ImportError');
});

test('the list above names every error class declared in src/', () => {
  const src = new URL('../src/', import.meta.url).pathname;
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const declared = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(join(src, f), 'utf8').matchAll(/class (\w+) extends (\w+)/g)) {
      if (/Error$/.test(m[2]!) || m[2] === 'PrismError' || m[2] === 'PrismInputError') declared.add(m[1]!);
    }
  }
  declared.delete('PrismError');
  declared.delete('PrismInputError');
  assert.deepEqual([...declared].sort(), CASES.map(([n]) => n).sort());
});

test('the reference engine\'s errors are its own, not PrismErrors, and end the CLI with exit code 1', async (t) => {
  // the engine is a package of its own that imports nothing of the harness: runProgram maps its base class
  const e = new DraftConfigError('models/drafts/prism/manifest.json: missing');
  assert.ok(e instanceof ReferenceEngineError);
  assert.ok(!(e instanceof PrismError));
  assert.equal(e.name, 'DraftConfigError');
  assert.equal(await exitOf(t, e), EXIT.failed);
  assert.equal(await exitOf(t, new ReferenceEngineError('bad request')), EXIT.failed);
});

async function exitOf(t: { mock: { method: (o: object, m: string, f: () => void) => unknown } }, thrown: unknown): Promise<number> {
  t.mock.method(console, 'error', () => {});
  const program = new Command().name('prism-bench').exitOverride();
  program.command('boom').action(() => { throw thrown; });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    return await runProgram(program, ['node', 'prism-bench', 'boom']);
  } finally {
    process.exitCode = before;
  }
}

test('runProgram maps a thrown PrismError to its exit code and anything else to 1', async (t) => {
  class Custom extends PrismInputError {}
  assert.equal(await exitOf(t, new Custom('custom input problem')), 2);
  assert.equal(await exitOf(t, new SuiteError('f', 'p', 'bad', 'fix')), 2);
  assert.equal(await exitOf(t, new EngineError('engine died')), 1);
  assert.equal(await exitOf(t, new SlurmError('sbatch refused', 2)), 2);
  assert.equal(await exitOf(t, new PrismError('interrupted', EXIT.interrupted)), 130);
  assert.equal(await exitOf(t, new Error('plain')), 1);
  // no duck typing: a foreign error with an exitCode property (e.g. a child process's) is a failure
  assert.equal(await exitOf(t, Object.assign(new Error('child exited 2'), { exitCode: 2 })), 1);
});

test('runProgram prints the message on one line with the prefix', async (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'error', (s: string) => { lines.push(s); });
  const program = new Command().name('prism-bench').exitOverride();
  program.command('boom').action(() => { throw new UsageError('--x: must be a number -- pass e.g. --x 3'); });
  process.exitCode = undefined;
  assert.equal(await runProgram(program, ['node', 'prism-bench', 'boom']), 2);
  assert.deepEqual(lines, ['prism-bench: --x: must be a number -- pass e.g. --x 3']);
});
