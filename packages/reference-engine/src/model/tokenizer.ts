// Byte-level BPE, the field's norm: every byte sequence is representable, so the tokenizer
// round-trips arbitrary input; merges are learned by train/tokenizer.ts and shipped as JSON.
import { readFileSync } from 'node:fs';

export const END_OF_TEXT = '<|endoftext|>';

export interface TokenizerFile {
  type: 'byte-bpe';
  version: 1;
  vocabSize: number;
  /** merges[i] = [left, right] makes token 256 + i */
  merges: [number, number][];
  specials: Record<string, number>;
  pretokenizer: 'gpt2-regex';
  recipe?: unknown;
}

// GPT-2's split: contractions, letter runs, digit runs, punctuation runs, whitespace.
export const PRETOKENIZE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const pairKey = (a: number, b: number) => a * 65536 + b;
const encoder = new TextEncoder();

export class Tokenizer {
  readonly vocabSize: number;
  readonly eosId: number;
  private readonly ranks = new Map<number, number>();
  private readonly pieces: Uint8Array[] = [];
  private readonly cache = new Map<string, number[]>();

  constructor(readonly file: TokenizerFile) {
    this.vocabSize = file.vocabSize;
    for (let b = 0; b < 256; b++) this.pieces.push(Uint8Array.of(b));
    file.merges.forEach(([a, b], i) => {
      this.ranks.set(pairKey(a, b), i);
      const left = this.pieces[a], right = this.pieces[b];
      if (!left || !right) throw new Error(`tokenizer: merge ${i} refers to unknown token ${!left ? a : b}`);
      const joined = new Uint8Array(left.length + right.length);
      joined.set(left); joined.set(right, left.length);
      this.pieces.push(joined);
    });
    for (const [text, id] of Object.entries(file.specials)) this.pieces[id] = encoder.encode(text);
    const eos = file.specials[END_OF_TEXT];
    if (eos === undefined) throw new Error(`tokenizer: specials must define ${END_OF_TEXT}`);
    this.eosId = eos;
    if (this.pieces.length > this.vocabSize) throw new Error('tokenizer: more tokens than vocabSize');
  }

  static load(path: string): Tokenizer {
    return new Tokenizer(JSON.parse(readFileSync(path, 'utf8')) as TokenizerFile);
  }

  /** Encodes text as ordinary bytes; special-token strings in the text are not treated as specials. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of text.matchAll(PRETOKENIZE)) this.encodeWord(m[0], out);
    return out;
  }

  /** Encodes any bytes, valid UTF-8 or not: valid runs are pretokenized as text, stray bytes stand alone. */
  encodeBytes(bytes: Uint8Array): number[] {
    const out: number[] = [];
    // ignoreBOM: by default TextDecoder drops a leading U+FEFF, which would lose bytes EF BB BF
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    let start = 0;
    for (let i = 0; i < bytes.length;) {
      const len = utf8SequenceLength(bytes, i);
      if (len > 0) { i += len; continue; }
      if (i > start) for (const t of this.encode(decoder.decode(bytes.subarray(start, i)))) out.push(t);
      out.push(bytes[i]);
      start = ++i;
    }
    if (start < bytes.length) for (const t of this.encode(decoder.decode(bytes.subarray(start)))) out.push(t);
    return out;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let n = 0;
    for (let i = 0; i < ids.length; i++) n += this.piece(ids[i]).length;
    const out = new Uint8Array(n);
    let o = 0;
    for (let i = 0; i < ids.length; i++) { const p = this.piece(ids[i]); out.set(p, o); o += p.length; }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(this.decodeBytes(ids));
  }

  piece(id: number): Uint8Array {
    const p = this.pieces[id];
    if (!p) throw new Error(`tokenizer: token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    return p;
  }

  private encodeWord(word: string, out: number[]): void {
    const cached = this.cache.get(word);
    if (cached) { for (const t of cached) out.push(t); return; }
    const ids = Array.from(encoder.encode(word));
    // Standard BPE: repeatedly apply the lowest-ranked merge present in the word.
    while (ids.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i < ids.length - 1; i++) {
        const r = this.ranks.get(pairKey(ids[i], ids[i + 1]));
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const merged = 256 + bestRank;
      for (let i = 0; i < ids.length - 1; i++) {
        if (this.ranks.get(pairKey(ids[i], ids[i + 1])) === bestRank) ids.splice(i, 2, merged);
      }
    }
    if (this.cache.size < 200_000) this.cache.set(word, ids);
    for (const t of ids) out.push(t);
  }
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let len: number, min: number;
  if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
  else return 0;
  if (i + len > b.length) return 0;
  let cp = c & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const x = b[i + k];
    if ((x & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}
