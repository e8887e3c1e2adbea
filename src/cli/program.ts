// Runs a commander program and turns what it throws into the exit code: 0 ok; 1 failed cells
// or a regression; 2 usage or input error (the message on one line). The one place errors
// become exit codes: a PrismError exits with its own exitCode, the reference engine's
// ReferenceEngineError with 1, any other error with 1.
import { CommanderError, type Command } from 'commander';
import { ReferenceEngineError } from '@prism-bench/reference-engine/contract';
import { EXIT, PrismError, messageOf } from '../errors.ts';
import { watchParent } from './parent.ts';

/** The reference engine knows no exit codes: its errors (a draft's files, a request) fail the command. */
const REFERENCE_ENGINE_EXIT = EXIT.failed;

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
    console.error(`prism-bench: ${messageOf(e)}`);
    if (e instanceof PrismError) return e.exitCode;
    if (e instanceof ReferenceEngineError) return REFERENCE_ENGINE_EXIT;
    return EXIT.failed;
  } finally {
    unwatch();
  }
}
