// meta_info's logprob fields as SGLang returns them when return_logprob is true:
// input_token_logprobs / output_token_logprobs are [logprob, token_id, text|null] per position,
// and with top_logprobs_num > 0, input_top_logprobs / output_top_logprobs hold a list of such
// triples per position (null where nothing predicts the position: the first prompt token).
import type { EngineResult, TokenLogprob } from './engine.ts';
import type { GenerateItem } from './validate.ts';

type Triple = [number | null, number, string | null];

export function logprobMeta(item: GenerateItem, r: EngineResult, decode: (ids: number[]) => string): Record<string, unknown> {
  const lp = item.request.logprobs;
  if (!lp) return {};
  const textOf = (id: number) => (item.logprobText ? decode([id]) : null);
  const triples = (list: TokenLogprob[]): Triple[] => list.map((e) => [e.logprob, e.id, textOf(e.id)]);
  const tops = (list: TokenLogprob[]) => list.map((e) => (e.top === null ? null : e.top.map(([p, id]): Triple => [p, id, textOf(id)])));
  const input = r.inputLogprobs ?? [], output = r.outputLogprobs ?? [];
  return {
    input_token_logprobs: triples(input),
    output_token_logprobs: triples(output),
    ...(lp.topN > 0 ? { input_top_logprobs: tops(input), output_top_logprobs: tops(output) } : {}),
  };
}
