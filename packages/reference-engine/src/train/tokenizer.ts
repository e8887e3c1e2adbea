// Learns byte-level BPE merges from the training split of the corpus. Deterministic: pairs
// are counted exactly and ties broken by the smaller pair id, so every machine gets the same file.
import { END_OF_TEXT, PRETOKENIZE, type TokenizerFile } from '../model/tokenizer.ts';
import type { CorpusRecipe } from './corpus.ts';

const key = (a: number, b: number) => a * 65536 + b;

export function trainTokenizer(
  texts: string[],
  vocabSize: number,
  recipe: CorpusRecipe,
  onProgress?: (done: number, total: number) => void,
): TokenizerFile {
  const specials = [END_OF_TEXT];
  const numMerges = vocabSize - 256 - specials.length;
  const counts = new Map<string, number>();
  for (const text of texts) for (const m of text.matchAll(PRETOKENIZE)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  const enc = new TextEncoder();
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, c] of [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    words.push(Array.from(enc.encode(w)));
    freq.push(c);
  }
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: number) => {
    const w = words[wi];
    for (let i = 0; i < w.length - 1; i++) {
      const k = key(w[i], w[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[wi]);
      if (sign > 0) {
        let s = pairWords.get(k);
        if (!s) pairWords.set(k, (s = new Set()));
        s.add(wi);
      }
    }
  };
  words.forEach((_, wi) => addPairs(wi, 1));
  const merges: [number, number][] = [];
  for (let m = 0; m < numMerges; m++) {
    let best = -1, bestCount = 0;
    for (const [k, c] of pairCount) if (c > bestCount || (c === bestCount && c > 0 && k < best)) { best = k; bestCount = c; }
    if (best < 0 || bestCount < 2) break;
    const a = Math.floor(best / 65536), b = best % 65536, id = 256 + m;
    merges.push([a, b]);
    for (const wi of pairWords.get(best) ?? []) {
      addPairs(wi, -1);
      const w = words[wi], merged: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i < w.length - 1 && w[i] === a && w[i + 1] === b) { merged.push(id); i++; } else merged.push(w[i]);
      }
      words[wi] = merged;
      addPairs(wi, 1);
    }
    pairWords.delete(best);
    pairCount.delete(best);
    for (const [k, c] of pairCount) if (c === 0) pairCount.delete(k);
    if (onProgress && (m % 100 === 0 || m === numMerges - 1)) onProgress(m + 1, numMerges);
  }
  const specialIds: Record<string, number> = {};
  specials.forEach((s, i) => (specialIds[s] = vocabSize - specials.length + i));
  return { type: 'byte-bpe', version: 1, vocabSize, merges, specials: specialIds, pretokenizer: 'gpt2-regex', recipe: { corpus: recipe, rule: 'merges by exact pair count over the training split, ties to the smaller (left, right) id pair' } };
}
