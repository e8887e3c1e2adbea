// Exit codes, documented in the README and in --help (defined in src/errors.ts with the error base).
import { EXIT, PrismInputError } from '../errors.ts';

export { EXIT };

/** An input or usage problem: printed as one line, exit code 2. */
export class UsageError extends PrismInputError {}
