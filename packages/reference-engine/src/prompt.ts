// Prompt templates. The reference target is a plain language model, not a chat model, so it
// gets a simple transcript; later turns carry the engine's own earlier answers. Shared: the
// engine's OpenAI front end builds chat prompts with it, the harness its multi-turn requests.
export function questionAnswerPrompt(turns: string[], answers: string[]): string {
  let text = '';
  turns.forEach((t, i) => {
    text += `Question: ${t.trim()}\nAnswer:`;
    if (i < answers.length) text += `${answers[i]}\n\n`;
  });
  return text;
}
