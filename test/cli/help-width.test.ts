// Issue 24: `serve --help` had lines of 227 columns. Every command's help, the nested ones and the
// serve-only entry an engine process uses included, fits 100 columns off a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { buildServeProgram } from '../../src/cli/serve-main.ts';
import { runProgram } from '../../src/cli/program.ts';
import { HELP_WIDTH } from '../../src/cli/options.ts';

/** Every command path under the program: [], ['run'], ['slurm', 'submit'], ... */
function paths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((c) => paths(c, [...prefix, c.name()]))];
}

async function help(build: () => Command, args: string[]): Promise<string> {
  const program = build();
  let out = '';
  const quiet = (cmd: Command) => {
    cmd.configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { out += s; } });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  const saved = process.exitCode;
  const code = await runProgram(program, [process.execPath, 'prism-bench', ...args, '--help']);
  process.exitCode = saved;
  assert.equal(code, 0, `${args.join(' ')} --help`);
  return out;
}

test('every command\'s --help fits 100 columns', async () => {
  assert.equal(HELP_WIDTH, 100);
  const all = paths(buildProgram());
  assert.ok(all.length >= 15, `${all.length} commands`);
  const cases: Array<[() => Command, string[]]> = [...all.map((p): [() => Command, string[]] => [buildProgram, p]), [buildServeProgram, ['serve']]];
  const wide: string[] = [];
  for (const [build, args] of cases) {
    const out = await help(build, args);
    assert.match(out, new RegExp(`^Usage: prism-bench ${args.join(' ')}`), args.join(' '));
    for (const line of out.split('\n')) if ([...line].length > HELP_WIDTH) wide.push(`${args.join(' ') || '(top)'} (${[...line].length}): ${line}`);
  }
  assert.deepEqual(wide, []);
});
