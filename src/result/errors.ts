// A result file that cannot be read: printed as one line, exit code 2 (kept apart from the
// schema so that importing it does not load zod).
import { PrismInputError } from '../errors.ts';

export class ResultError extends PrismInputError {}
