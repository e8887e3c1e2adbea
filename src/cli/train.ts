import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { Progress } from './progress.ts';
import { trainTarget } from '../reference/train/target.ts';
import { trainTokenizer } from '../reference/train/tokenizer.ts';
import { assembleCorpus } from '../reference/train/corpus.ts';
import { TOKENIZER_PATH, TARGET_CONFIG, TARGET_DIR } from '../reference/model/config.ts';
import { UsageError } from './errors.ts';
import { intOption } from './options.ts';

export function registerTrain(program: Command): void {
  const train = program.command('train').description('reproduce the reference engine\'s shipped files from a fresh clone');
  train
    .command('tokenizer')
    .description(`learn the byte-level BPE tokenizer (${TARGET_CONFIG.vocab} tokens) from the training corpus`)
    .option('--out <file>', 'where to write it', TOKENIZER_PATH)
    .action((o: { out: string }) => {
      const { documents, recipe } = assembleCorpus();
      const bar = new Progress('merges', TARGET_CONFIG.vocab - 257);
      const file = trainTokenizer(documents.filter((d) => d.split === 'train').map((d) => d.text), TARGET_CONFIG.vocab, recipe, (d) => bar.update(d));
      bar.done();
      writeFileSync(o.out, JSON.stringify(file));
      console.log(`wrote ${o.out} (${file.merges.length} merges)`);
    });
  train
    .command('target')
    .description('train the target model (numpy via python3; about an hour on 2 cores; resumable)')
    .option('--out <dir>', 'model directory to write', TARGET_DIR)
    .option('--steps <n>', 'override the number of training steps (the shipped model uses the default)')
    .option('--fresh', 'ignore an existing checkpoint and start over')
    .addHelpText('after', `
Interrupt it at any time: rerunning the same command resumes from .cache/train/target/checkpoint.npz.
Needs python3 with numpy (present on the project's machines).`)
    .action(async (o: { out: string; steps?: string; fresh?: boolean }) => {
      const steps = o.steps === undefined ? undefined : intOption('--steps', o.steps, 1, 1_000_000);
      let bar: Progress | undefined;
      let lastVal = NaN;
      try {
        const r = await trainTarget({
          outDir: o.out, fresh: o.fresh, training: steps ? { steps } : undefined,
          onEvent: (e) => {
            if (e.event === 'resume') console.error(`resuming from step ${e.step}`);
            if (e.event === 'eval') { lastVal = e.val_loss; bar?.log(`step ${e.step}: validation loss ${e.val_loss.toFixed(4)}`); }
            if (e.event === 'step') {
              bar ??= new Progress('train target', e.steps);
              bar.update(e.step, `loss ${e.loss.toFixed(3)} val ${Number.isNaN(lastVal) ? '-' : lastVal.toFixed(3)} ${Math.round(e.tokens_per_s)} tok/s`);
            }
          },
        });
        bar?.done();
        console.log(`wrote ${r.manifestPath} (validation loss ${r.valLoss.toFixed(4)})`);
      } catch (e) {
        bar?.done();
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError('train target: python3 was not found; install python3 with numpy');
        throw e;
      }
    });
}
