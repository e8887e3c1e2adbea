import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { END_OF_TEXT, PRETOKENIZE, Tokenizer, type TokenizerFile } from '../../src/model/tokenizer.ts';
import { TOKENIZER_PATH } from '../../src/model/config.ts';
import { trainTokenizer } from '../../src/train/tokenizer.ts';
import { seededRandom } from '../../src/decoding/sampling.ts';

const file = JSON.parse(readFileSync(TOKENIZER_PATH, 'utf8')) as TokenizerFile;
const tok = new Tokenizer(file);
const utf8 = new TextEncoder();

function assertIdsValid(ids: number[], what: string): void {
  for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `${what}: id ${id} outside 0..${tok.vocabSize - 1}`);
}

function assertBytesRoundTrip(bytes: Uint8Array, what: string): number[] {
  const ids = tok.encodeBytes(bytes);
  assertIdsValid(ids, what);
  assert.ok(!ids.includes(tok.eosId), `${what}: ordinary bytes must never encode to the end-of-text id`);
  const back = tok.decodeBytes(ids);
  assert.deepEqual(Buffer.from(back).toString('hex'), Buffer.from(bytes).toString('hex'), `${what}: bytes changed in the round trip`);
  return ids;
}

/** Random byte strings biased towards the hard cases: multi-byte UTF-8, stray continuation bytes, BOMs, overlongs, surrogates. */
function randomBytes(rand: () => number, n: number): Uint8Array {
  const out: number[] = [];
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  while (out.length < n) {
    const r = rand();
    if (r < 0.3) out.push(Math.floor(rand() * 256));
    else if (r < 0.5) out.push(32 + Math.floor(rand() * 95));
    else if (r < 0.6) out.push(...utf8.encode(pick(['é', 'ß', 'ж', 'λ', '€', '中', '文', '😀', '👍🏽', '\u0301', '\ufeff', ' ', '\n', '\t'])));
    else if (r < 0.7) out.push(pick([0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xfe]));
    else if (r < 0.8) out.push(...pick([[0xed, 0xa0, 0x80], [0xe0, 0x80, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xe4, 0xb8], [0xf0, 0x9f, 0x98]]));
    else out.push(...utf8.encode(pick([' the', ' of', 'ing', ' function', '() {', '    ', 'ed ', '.\n\n', "'s", ' 1234'])));
  }
  return Uint8Array.from(out.slice(0, n));
}

/** Textbook BPE on one pretokenized word, written independently of Tokenizer.encodeWord. */
function referenceBpe(word: string, ranks: Map<string, number>): number[] {
  let ids = Array.from(utf8.encode(word));
  for (;;) {
    let bestRank = Infinity;
    for (let i = 0; i + 1 < ids.length; i++) {
      const r = ranks.get(`${ids[i]},${ids[i + 1]}`);
      if (r !== undefined && r < bestRank) bestRank = r;
    }
    if (bestRank === Infinity) return ids;
    const [a, b] = file.merges[bestRank];
    const next: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) { next.push(256 + bestRank); i++; } else next.push(ids[i]);
    }
    ids = next;
  }
}

const TEXTS: Record<string, string> = {
  ascii: 'The jury said it did find that many of the voters were not aware of the election. 42 + 17 = 59!',
  accents: 'Café, naïve, façade, Ångström, jalapeño, Dvořák, São Paulo, Łódź, crème brûlée',
  combining: 'e\u0301 a\u0308 n\u0303 — decomposed forms stay as they are',
  emoji: 'Hi 😀👍🏽 family: 👨‍👩‍👧‍👦 flags: 🇫🇷🇯🇵 keycap: 1️⃣ ✔️',
  cjk: '中文分词很难。日本語のテキスト、한국어 문장도 있습니다。',
  mixedScripts: 'Ελληνικά, русский, עברית, العربية, हिन्दी, ไทย',
  code: 'export function sum(values: number[]): number {\n\treturn values.reduce((a, b) => a + b, 0);\n}\n// TODO: x !== y && z?.w ?? 0\n',
  whitespace: '  leading\t\ttabs\n\n\n   three newlines   \r\n crlf \u00a0nbsp\u3000ideographic  trailing   ',
  onlySpaces: ' '.repeat(37),
  contractions: "I'm sure they'll say it's what we'd've done, isn't it? DON'T",
  specialString: `text with ${END_OF_TEXT} inside is ordinary text`,
  bomFirst: '\ufeffstarts with a byte order mark',
  numbers: '3.14159265358979 1,000,000 0x1F 1e-9 ١٢٣',
  empty: '',
};

describe('Tokenizer on the shipped tokenizer file', () => {
  it('the file is a well-formed byte-level BPE: every merge refers to earlier tokens, specials sit after the merges', () => {
    assert.equal(file.type, 'byte-bpe');
    assert.equal(file.vocabSize, 4096);
    assert.ok(file.merges.length > 1000, 'expected thousands of merges');
    const seen = new Set<string>();
    file.merges.forEach(([a, b], i) => {
      assert.ok(Number.isInteger(a) && Number.isInteger(b), `merge ${i} is not a pair of integers`);
      assert.ok(a >= 0 && b >= 0 && a < 256 + i && b < 256 + i, `merge ${i} = [${a}, ${b}] refers to a token not yet defined (< ${256 + i})`);
      const key = `${a},${b}`;
      assert.ok(!seen.has(key), `merge ${i} = [${a}, ${b}] repeats an earlier merge`);
      seen.add(key);
    });
    const ids = Object.values(file.specials);
    assert.ok(END_OF_TEXT in file.specials);
    for (const id of ids) assert.ok(id >= 256 + file.merges.length && id < file.vocabSize, `special id ${id} overlaps the merges or leaves the vocab`);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(tok.eosId, file.specials[END_OF_TEXT]);
    // every merge token decodes to the concatenation of its parts
    file.merges.forEach(([a, b], i) => {
      assert.deepEqual(Array.from(tok.piece(256 + i)), [...tok.piece(a), ...tok.piece(b)]);
    });
  });

  it('round-trips all 256 byte values, alone, together and in every pair order', () => {
    for (let b = 0; b < 256; b++) {
      const ids = assertBytesRoundTrip(Uint8Array.of(b), `byte ${b}`);
      assert.equal(ids.length, 1, `a single byte is a single token (byte ${b})`);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assertBytesRoundTrip(all, 'bytes 0..255');
    assertBytesRoundTrip(all.slice().reverse(), 'bytes 255..0');
    const pairs: number[] = [];
    for (let a = 0; a < 256; a += 3) for (let b = 0; b < 256; b += 5) pairs.push(a, b);
    assertBytesRoundTrip(Uint8Array.from(pairs), 'byte pairs');
  });

  it('round-trips seeded random byte strings, invalid UTF-8 included', () => {
    const rand = seededRandom(1234);
    let invalid = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = randomBytes(rand, 1 + Math.floor(rand() * 200));
      try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { invalid++; }
      assertBytesRoundTrip(bytes, `random string ${i}`);
    }
    assert.ok(invalid > 100, `only ${invalid} of the random strings were invalid UTF-8; the generator should make many`);
  });

  it('round-trips long runs', () => {
    const runs: [string, Uint8Array][] = [
      ['a x 10000', new Uint8Array(10000).fill(0x61)],
      ['spaces x 5000', new Uint8Array(5000).fill(0x20)],
      ['newlines x 3000', new Uint8Array(3000).fill(0x0a)],
      ['0xff x 3000', new Uint8Array(3000).fill(0xff)],
      ['0x80 x 3000', new Uint8Array(3000).fill(0x80)],
      ['"ab" x 4000', utf8.encode('ab'.repeat(4000))],
      ['"😀" x 1000', utf8.encode('😀'.repeat(1000))],
      ['BOM x 500', utf8.encode('\ufeff'.repeat(500))],
    ];
    for (const [what, bytes] of runs) {
      const ids = assertBytesRoundTrip(bytes, what);
      assert.ok(ids.length <= bytes.length);
    }
    // merges actually compress repeated words and whitespace runs
    assert.equal(tok.encode(' the'.repeat(1000)).length, 1000);
    assert.ok(tok.encodeBytes(runs[1][1]).length <= 5000 / 2);
  });

  for (const [name, text] of Object.entries(TEXTS)) {
    it(`text round trip: ${name}`, () => {
      const ids = tok.encode(text);
      assertIdsValid(ids, name);
      assert.ok(!ids.includes(tok.eosId), `${name}: special-token text must be encoded as ordinary bytes`);
      assert.equal(tok.decode(ids), text);
      // the text path and the byte path agree on valid UTF-8
      assert.deepEqual(tok.encodeBytes(utf8.encode(text)), ids);
      assert.equal(ids.length === 0, text.length === 0);
    });
  }

  it('is deterministic: repeated calls and a fresh instance (cold cache) give the same ids', () => {
    const fresh = new Tokenizer(JSON.parse(readFileSync(TOKENIZER_PATH, 'utf8')) as TokenizerFile);
    for (const text of Object.values(TEXTS)) {
      const a = tok.encode(text);
      assert.deepEqual(tok.encode(text), a);
      assert.deepEqual(fresh.encode(text), a);
    }
  });

  it('applies merges like textbook BPE (independent reference) on every pretokenized word', () => {
    const ranks = new Map<string, number>();
    file.merges.forEach(([a, b], i) => ranks.set(`${a},${b}`, i));
    const corpus = Object.values(TEXTS).join(' ') + ' ' + 'mississippi bananas aaaaaaa abababab the then there therefore';
    let words = 0;
    for (const m of corpus.matchAll(PRETOKENIZE)) {
      assert.deepEqual(tok.encode(m[0]), referenceBpe(m[0], ranks), `word ${JSON.stringify(m[0])}`);
      words++;
    }
    assert.ok(words > 100);
  });

  it('compresses English prose to well under one token per byte', () => {
    const text = TEXTS.ascii.repeat(3);
    assert.ok(tok.encode(text).length < utf8.encode(text).length / 2.5);
  });

  it('rejects ids outside the vocabulary with a message naming the id', () => {
    assert.throws(() => tok.decode([5, 4096]), /token id 4096 is outside the vocabulary/);
    assert.throws(() => tok.decode([-1]), /token id -1/);
  });
});

describe('trainTokenizer', () => {
  const recipe = { sources: [], order: 'test', split: 'none' };
  const texts = [
    'the cat sat on the mat. the cat ate the rat.',
    'then the rat sat on the cat, and the mat sat on them all.',
    'function the() { return the; } // the end',
  ];

  /** Exhaustive BPE trainer (recount every pair after every merge), independent of the incremental one. */
  function referenceTrain(numMerges: number): [number, number][] {
    const counts = new Map<string, number>();
    for (const t of texts) for (const m of t.matchAll(PRETOKENIZE)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    let words = [...counts.entries()].map(([w, c]) => ({ ids: Array.from(utf8.encode(w)), c }));
    const merges: [number, number][] = [];
    for (let m = 0; m < numMerges; m++) {
      const pc = new Map<number, number>();
      for (const { ids, c } of words) for (let i = 0; i + 1 < ids.length; i++) { const k = ids[i] * 65536 + ids[i + 1]; pc.set(k, (pc.get(k) ?? 0) + c); }
      let best = -1, bc = 0;
      for (const [k, c] of pc) if (c > bc || (c === bc && k < best)) { best = k; bc = c; }
      if (bc < 2) break;
      const a = Math.floor(best / 65536), b = best % 65536;
      merges.push([a, b]);
      words = words.map(({ ids, c }) => {
        const out: number[] = [];
        for (let i = 0; i < ids.length; i++) {
          if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) { out.push(256 + m); i++; } else out.push(ids[i]);
        }
        return { ids: out, c };
      });
    }
    return merges;
  }

  it('is deterministic and matches an exhaustive reference trainer merge for merge', () => {
    const a = trainTokenizer(texts, 270, recipe);
    const b = trainTokenizer(texts.slice(), 270, recipe);
    assert.deepEqual(a, b);
    assert.equal(a.vocabSize, 270);
    assert.equal(a.merges.length, 270 - 257, "the vocabulary budget caps the merges");
    assert.deepEqual(a.specials, { [END_OF_TEXT]: 269 });
    assert.deepEqual(a.merges, referenceTrain(270 - 257));
  });

  it('gives a sensible tokenizer: frequent words become single tokens, text round-trips, stops when no pair repeats', () => {
    const file = trainTokenizer(texts, 270, recipe);
    const t = new Tokenizer(file);
    // " the" is by far the most frequent word: it must be one token, as must "the" and " cat"
    for (const w of [' the', ' cat', ' sat']) assert.equal(t.encode(w).length, 1, `${JSON.stringify(w)} should be one token`);
    // the first merge is the most frequent adjacent byte pair, counted by hand: "th" and "he" tie (every "th" here is followed by "e"), and ties go to the smaller pair
    const [a, b] = file.merges[0];
    assert.equal(String.fromCharCode(a) + String.fromCharCode(b), 'he');
    for (const text of [...texts, 'unseen words: zebra quokka 😀']) assert.equal(t.decode(t.encode(text)), text);
    // with a huge vocabulary budget it stops once no pair occurs twice (and never emits a merge seen once)
    const big = trainTokenizer(texts, 5000, recipe);
    assert.ok(big.merges.length < 5000 - 257);
    assert.deepEqual(big.merges, referenceTrain(5000));
    const bigTok = new Tokenizer(big);
    assert.ok(bigTok.encode(texts.join(' ')).length < utf8.encode(texts.join(' ')).length / 2, 'trained merges should halve the training text');
  });
});
