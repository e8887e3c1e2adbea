// Prompt templates. The reference target is a plain language model, not a chat model, so it
// gets a simple transcript; later turns carry the engine's own earlier answers. The template is
// the engine's (its OpenAI front end builds the same transcript), shared through its contract.
export { questionAnswerPrompt } from '@prism-bench/reference-engine/contract';
