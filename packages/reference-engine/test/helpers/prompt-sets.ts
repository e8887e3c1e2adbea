// The prompt sets the engine's tests and benchmarks decode: the harness's built-in datasets
// (suites/prompts/<name>.jsonl under the install root, one {"question_id", "turns"} object a
// line), read plainly: the engine imports nothing of the harness, and these files are shared data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRoot } from '../../src/files.ts';

/** The built-in prompt sets, in the harness's order (src/suite/types.ts BUILTIN_DATASETS). */
export const PROMPT_SETS = ['chat', 'code', 'math', 'summarization', 'qa'] as const;
export const PROMPTS_DIR = join(installRoot(), 'suites', 'prompts');

export interface PromptSetEntry { id: string; category: string; turns: string[] }

/** The prompts of one set, the first `limit` when given. */
export function readPromptSet(name: string, opts: { limit?: number } = {}): PromptSetEntry[] {
  const file = join(PROMPTS_DIR, `${name}.jsonl`);
  const prompts = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i): PromptSetEntry => {
    const o: unknown = JSON.parse(line);
    const { question_id: id, category, turns } = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
    if (!Array.isArray(turns) || turns.length === 0 || !turns.every((t): t is string => typeof t === 'string')) throw new Error(`${file}: line ${i + 1}: turns must be a non-empty list of strings`);
    return { id: String(id), category: typeof category === 'string' && category !== '' ? category : name, turns };
  });
  return opts.limit === undefined ? prompts : prompts.slice(0, opts.limit);
}
