// Prompt lookup decoding: find the most recent earlier occurrence of the context's last n
// tokens (trying n from ngramMax down to ngramMin) and propose what followed it.
import { chainParents, type DraftContext, type DraftProposal, type DraftRequest, type Drafter } from './types.ts';

export interface NgramOptions {
  ngramMin: number;
  ngramMax: number;
}

export class NgramDrafter implements Drafter {
  readonly method = 'ngram';
  readonly featureLayers: readonly number[] = [];
  constructor(readonly options: NgramOptions) {
    if (!(options.ngramMin >= 1 && options.ngramMax >= options.ngramMin)) {
      throw new Error(`ngram draft: need 1 <= ngramMin <= ngramMax, got ${options.ngramMin}..${options.ngramMax}`);
    }
  }

  begin(): DraftRequest {
    return { propose: (ctx, maxTokens) => this.propose(ctx, maxTokens) };
  }

  propose(ctx: Pick<DraftContext, 'tokens'>, maxTokens: number): DraftProposal {
    const tokens = lookup(ctx.tokens, this.options.ngramMin, this.options.ngramMax, maxTokens);
    return { tokens, parents: chainParents(tokens.length), steps: 0 };
  }
}

export function lookup(ctx: readonly number[], nMin: number, nMax: number, maxTokens: number): number[] {
  const len = ctx.length;
  for (let n = Math.min(nMax, len - 1); n >= nMin; n--) {
    // candidate match ends at e (exclusive), must end before the suffix itself does
    for (let e = len - 1; e >= n; e--) {
      let ok = true;
      for (let j = 1; j <= n; j++) {
        if (ctx[e - j] !== ctx[len - j]) { ok = false; break; }
      }
      if (ok) return ctx.slice(e, Math.min(len, e + maxTokens)) as number[];
    }
  }
  return [];
}
