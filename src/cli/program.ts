// Runs a commander program and turns what it throws into the exit code: 0 ok; 1 failed cells
// or a regression; 2 usage or input error (the message on one line).
import { CommanderError, type Command } from 'commander';
import { EXIT, UsageError } from './errors.ts';
import { watchParent } from './parent.ts';
import { SuiteError } from '../suite/errors.ts';
import { ResultError } from '../result/errors.ts';

export async function runProgram(program: Command, argv: string[]): Promise<number> {
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
