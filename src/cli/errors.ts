// Exit codes, documented in the README and in --help.
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** An input or usage problem: printed as one line, exit code 2. */
export class UsageError extends Error {}
