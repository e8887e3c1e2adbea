import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { Progress } from './progress.ts';
import { trainTarget } from '../reference/train/target.ts';
import { trainDrafts } from '../reference/train/drafts.ts';
import type { TrainDevice } from '../reference/train/trainer-process.ts';
import { DRAFT_TRAINING, DRAFTS_DIR, type LearnedDraftMethod } from '../reference/model/draft-config.ts';
import { LEARNED_DRAFTS } from '../reference/drafts/index.ts';
import { trainTokenizer } from '../reference/train/tokenizer.ts';
import { assembleCorpus } from '../reference/train/corpus.ts';
import { TOKENIZER_PATH, TARGET_CONFIG, TARGET_DIR } from '../reference/model/config.ts';
import { UsageError } from './errors.ts';
import { intOption } from './options.ts';

function trainDevice(command: string, value: string): TrainDevice {
  if (value !== 'cpu' && value !== 'cuda') throw new UsageError(`${command}: --device must be cpu or cuda, got '${value}'`);
  return value;
}

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
    .description('train the target model (numpy via python3; about 90 minutes on 2 cores, minutes on a GPU with --device cuda; resumable)')
    .option('--out <dir>', 'model directory to write', TARGET_DIR)
    .option('--steps <n>', 'override the number of training steps (the shipped model uses the default)')
    .option('--fresh', 'ignore an existing checkpoint and start over')
    .option('--device <device>', 'cpu (numpy) or cuda (the same trainer on CuPy, for a machine with an NVIDIA GPU)', 'cpu')
    .addHelpText('after', `
Interrupt it at any time: rerunning the same command resumes from .cache/train/target/checkpoint.npz.
Needs python3 with numpy (present on the project's machines); --device cuda needs CuPy.`)
    .action(async (o: { out: string; steps?: string; fresh?: boolean; device: string }) => {
      const device = trainDevice('train target', o.device);
      const steps = o.steps === undefined ? undefined : intOption('--steps', o.steps, 1, 1_000_000);
      let bar: Progress | undefined;
      let lastVal = NaN;
      try {
        const r = await trainTarget({
          outDir: o.out, fresh: o.fresh, training: steps ? { steps } : undefined, device,
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
  train
    .command('drafts')
    .argument('[names...]', `drafts to train (${LEARNED_DRAFTS.join(', ')}); all when omitted`)
    .description('train the learned drafts against the shipped target, one data budget for all (PyTorch via python3; about 80 minutes on 2 cores, minutes on a GPU with --device cuda; resumable)')
    .option('--out <dir>', 'drafts directory to write', DRAFTS_DIR)
    .option('--data-fraction <f>', 'train on this share of the data budget (data-scaling runs; shipped weights use 1)', '1')
    .option('--steps <n>', `override the optimizer steps at data fraction 1 (default ${DRAFT_TRAINING.steps})`)
    .option('--python <path>', 'python with torch (default /usr/bin/python3, where Debian installs python3-torch)')
    .option('--fresh', 'ignore existing checkpoints and start over')
    .option('--device <device>', 'cpu, or cuda for a machine with an NVIDIA GPU and a CUDA build of PyTorch', 'cpu')
    .addHelpText('after', `
Needs Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch libopenblas0-pthread;
without OpenBLAS torch falls back to the reference BLAS and runs about 15x slower).
Interrupt it at any time: rerunning the same command resumes from the checkpoints in .cache/train/.

Examples:
  prism-bench train drafts                       # all six, the shipped recipe
  prism-bench train drafts eagle3 prism --data-fraction 0.25 --out /tmp/drafts-25`)
    .action(async (names: string[], o: { out: string; dataFraction: string; steps?: string; python?: string; fresh?: boolean; device: string }) => {
      const device = trainDevice('train drafts', o.device);
      for (const n of names) if (!(LEARNED_DRAFTS as string[]).includes(n)) throw new UsageError(`train drafts: unknown draft '${n}'; choose from ${LEARNED_DRAFTS.join(', ')}`);
      const fraction = Number(o.dataFraction);
      if (!(fraction > 0 && fraction <= 1)) throw new UsageError(`train drafts: --data-fraction must be in (0, 1], got '${o.dataFraction}'`);
      const steps = o.steps === undefined ? undefined : intOption('--steps', o.steps, 1, 1_000_000);
      const drafts = (names.length ? names : LEARNED_DRAFTS) as LearnedDraftMethod[];
      let bar: Progress | undefined;
      let current = '';
      try {
        const r = await trainDrafts({
          drafts, outDir: o.out, dataFraction: fraction, fresh: o.fresh, python: o.python, training: steps ? { steps } : undefined, device,
          onEvent: (e) => {
            if (e.event === 'resume') console.error(`${e.draft}: resuming from step ${e.step}`);
            if (e.event === 'generate') {
              if (current !== `generate ${e.split}`) { bar?.done(); bar = new Progress(`target outputs (${e.split})`, e.total); current = `generate ${e.split}`; }
              bar?.update(e.done, `${Math.round(e.tokens_per_s)} tok/s`);
            }
            if (e.event === 'step') {
              if (e.draft !== current) { bar?.done(); bar = new Progress(`train ${e.draft}`, e.steps); current = e.draft; }
              bar?.update(e.step, `loss ${e.loss.toFixed(3)} ${Math.round(e.tokens_per_s)} tok/s`);
            }
            if (e.event === 'done') { bar?.done(); bar = undefined; current = ''; console.log(`${e.draft}: validation top-1 per position ${e.top1.map((x) => x.toFixed(3)).join(' ')}`); }
          },
        });
        bar?.done();
        for (const m of r.manifests) console.log(`wrote ${m}`);
      } catch (e) {
        bar?.done();
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError('train drafts: python3 was not found; install Debian\'s python3-torch (or pass --python)');
        throw e;
      }
    });
}
