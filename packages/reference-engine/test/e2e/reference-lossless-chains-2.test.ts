// Greedy drafting is token-identical to greedy vanilla on every other built-in prompt, 50 of the
// 100 (test/e2e/lossless.ts says how); these drafts here, the others in the sibling
// reference-lossless-*.test.ts files.
import { CHAIN_SHARDS, losslessChains } from './lossless.ts';

losslessChains(CHAIN_SHARDS[1]!);
