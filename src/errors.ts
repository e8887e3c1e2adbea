// The one base of every error the project throws, and the exit codes (documented in the README
// and in --help). A leaf module: it imports nothing from the project, so any layer may use it.
// The CLI turns a thrown error into the exit code in one place (cli/program.ts runProgram):
// a PrismError exits with its exitCode, anything else with EXIT.failed.

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A project error: a one-line message that names the fix, and the exit code it ends the CLI with. */
export class PrismError extends Error {
  /** the process exit code when this error ends a command: EXIT.failed unless said otherwise */
  readonly exitCode: number;

  constructor(message?: string, exitCode: number = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** An input or usage problem (a file, a flag, a field): exit code 2. */
export class PrismInputError extends PrismError {
  constructor(message?: string) {
    super(message, EXIT.usage);
  }
}

/** The message of whatever was thrown (an Error's message, else the value as text). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The errno code of a failed file or process call (ENOENT, EISDIR, ...), if it has one. */
export function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** A failed fetch's message with its cause (undici puts the socket error there), for one-line errors. */
export function fetchFailure(e: unknown): string {
  const cause = e instanceof Error ? e.cause : undefined;
  return `${messageOf(e)}${cause instanceof Error ? ` (${cause.message})` : ''}`;
}
