// The training corpus as two token streams (train, validation) in uint16 files, one EOS after
// each document: what the numpy target trainer and the draft trainer both read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleCorpus, type CorpusRecipe } from './corpus.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { TOKENIZER_PATH } from '../model/config.ts';

export interface TokenStreams {
  trainPath: string;
  valPath: string;
  tokenizer: Tokenizer;
  recipe: CorpusRecipe;
  trainTokens: number;
  validationTokens: number;
}

export function writeTokenStreams(workDir: string): TokenStreams {
  const tokenizer = Tokenizer.load(TOKENIZER_PATH);
  const { documents, recipe } = assembleCorpus();
  const streams = { train: [] as number[], validation: [] as number[] };
  for (const doc of documents) {
    const s = streams[doc.split];
    for (const t of tokenizer.encode(doc.text)) s.push(t);
    s.push(tokenizer.eosId);
  }
  const trainPath = join(workDir, 'train.u16'), valPath = join(workDir, 'val.u16');
  writeFileSync(trainPath, Uint16Array.from(streams.train));
  writeFileSync(valPath, Uint16Array.from(streams.validation));
  return { trainPath, valPath, tokenizer, recipe, trainTokens: streams.train.length, validationTokens: streams.validation.length };
}
