// Greedy suffix decoding is token-identical to greedy vanilla on every other built-in prompt (50 of
// the 100) and on Spec-Bench questions (test/e2e/lossless.ts says how); the other drafts in the
// sibling files.
import { losslessSuffix } from './lossless.ts';

losslessSuffix();
