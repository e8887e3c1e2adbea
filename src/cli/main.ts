// Command-line entry: commander wiring only. Each command lives in its own file and calls
// the layers below with typed options; nothing below sees commander.
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './errors.ts';
import { registerServe } from './serve.ts';
import { registerTrain } from './train.ts';
import { registerCompare } from './compare.ts';
import { registerBaseline } from './baseline.ts';
import { registerGate } from './gate.ts';
import { registerRun } from './run.ts';
import { registerHw } from './hw.ts';
import { registerReport } from './report.ts';
import { registerSchema } from './schema.ts';
import { registerImport } from './import.ts';
import { registerMerge } from './merge.ts';
import { registerSlurm } from './slurm.ts';
import { packageVersion } from '../version.ts';
import { watchParent } from './parent.ts';
import { SuiteError } from '../suite/errors.ts';
import { ResultError } from '../result/schema.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('prism-bench')
    .description('Benchmark speculative-decoding draft methods under identical settings, with statistics you can defend')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Exit codes: 0 ok; 1 some cells failed or the gate found a regression; 2 usage or input error.
Environment: NO_COLOR disables colour; output to a non-TTY is plain text.`);
  registerRun(program);
  registerSlurm(program);
  registerMerge(program);
  registerReport(program);
  registerImport(program);
  registerHw(program);
  registerCompare(program);
  registerBaseline(program);
  registerGate(program);
  registerServe(program);
  registerTrain(program);
  registerSchema(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const unwatch = watchParent();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const err = e as Error & { exitCode?: number };
    console.error(`prism-bench: ${err.message}`);
    if (e instanceof UsageError || e instanceof SuiteError || e instanceof ResultError || err.exitCode === EXIT.usage) return EXIT.usage;
    return EXIT.failed;
  } finally {
    unwatch();
  }
}
