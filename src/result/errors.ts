// A result file that cannot be read: printed as one line, exit code 2 (kept apart from the
// schema so the CLI's error handling can recognize it without loading zod).
export class ResultError extends Error {}
