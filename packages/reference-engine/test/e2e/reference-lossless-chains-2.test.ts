// Greedy drafting is token-identical to greedy vanilla on all 100 built-in prompts (test/e2e/lossless.ts
// says how); these drafts here, the others in the sibling reference-lossless-*.test.ts files.
import { CHAIN_SHARDS, losslessChains } from './lossless.ts';

losslessChains(CHAIN_SHARDS[1]!);
