// Command-line entry: commander wiring only. Each command lives in its own file and calls
// the layers below with typed options; nothing below sees commander.
import { Command } from 'commander';
import { runProgram } from './program.ts';
import { registerServe } from './serve.ts';
import { registerTrain } from './train.ts';
import { registerCompare } from './compare.ts';
import { registerBaseline } from './baseline.ts';
import { registerGate } from './gate.ts';
import { registerRun } from './run.ts';
import { registerHw } from './hw.ts';
import { registerReport } from './report.ts';
import { registerSchema } from './schema.ts';
import { registerMethods } from './methods.ts';
import { registerImport } from './import.ts';
import { registerMerge } from './merge.ts';
import { registerSlurm } from './slurm.ts';
import { registerProfile } from './profile.ts';
import { registerProject } from './project.ts';
import { packageVersion } from '../version.ts';
import { helpWidth } from './options.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('prism-bench')
    .description('Benchmark speculative-decoding draft methods under identical settings, with statistics you can defend')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // subcommands inherit this: help fits 100 columns (or a narrower terminal) instead of running to 227
    .configureHelp({ helpWidth: helpWidth() })
    .addHelpText('after', `
Exit codes: 0 ok; 1 some cells failed or the gate found a regression; 2 usage or input error.
Environment: NO_COLOR disables colour; output to a non-TTY is plain text.`);
  registerRun(program);
  registerSlurm(program);
  registerMerge(program);
  registerReport(program);
  registerImport(program);
  registerHw(program);
  registerMethods(program);
  registerProfile(program);
  registerProject(program);
  registerCompare(program);
  registerBaseline(program);
  registerGate(program);
  registerServe(program);
  registerTrain(program);
  registerSchema(program);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
