// Greedy suffix decoding is token-identical to greedy vanilla on all 100 built-in prompts and on
// Spec-Bench questions (test/e2e/lossless.ts says how); the other drafts in the sibling files.
import { losslessSuffix } from './lossless.ts';

losslessSuffix();
