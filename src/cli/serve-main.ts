// Entry of `prism-bench serve` alone: an engine process loads the serve command and the engine,
// not every other command's modules (about a second less per launch, which a gate suite that
// relaunches its engines every round pays dozens of times).
import { Command } from 'commander';
import { registerServe } from './serve.ts';
import { runProgram } from './program.ts';
import { packageVersion } from '../version.ts';
import { helpWidth } from './options.ts';

export function buildServeProgram(): Command {
  const program = new Command().name('prism-bench').version(packageVersion()).showHelpAfterError('(run with --help for usage)').exitOverride()
    .configureHelp({ helpWidth: helpWidth() });
  registerServe(program);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runProgram(buildServeProgram(), argv);
}
