import type { Command } from 'commander';
import { DRAFT_TRAINING, DRAFTS_DIR, LEARNED_DRAFTS, TOKENIZER_PATH, TARGET_CONFIG, TARGET_DIR } from '@prism-bench/reference-engine/contract';
import type { TrainDraftsFlags, TrainTargetFlags } from './actions/train.ts';

export function registerTrain(program: Command): void {
  const train = program.command('train').description('reproduce the reference engine\'s shipped files from a fresh clone');
  train
    .command('tokenizer')
    .description(`learn the byte-level BPE tokenizer (${TARGET_CONFIG.vocab} tokens) from the training corpus`)
    .option('--out <file>', 'where to write it', TOKENIZER_PATH)
    .action(async (o: { out: string }) => (await import('./actions/train.ts')).trainTokenizerAction(o));
  train
    .command('target')
    .description('train the target model (numpy via python3; about 90 minutes on 2 cores, minutes on a GPU with --device cuda; resumable)')
    .option('--out <dir>', 'model directory to write', TARGET_DIR)
    .option('--steps <n>', 'override the number of training steps (the shipped model uses the default)')
    .option('--fresh', 'ignore an existing checkpoint and start over')
    .option('--device <device>', 'cpu (numpy) or cuda (the same trainer on CuPy, for a machine with an NVIDIA GPU)', 'cpu')
    .option('--python <path>', 'python to run the trainer (default: the first of $PRISM_PYTHON, python3 on PATH, /usr/bin/python3 with numpy, or CuPy for cuda)')
    .addHelpText('after', `
Interrupt it at any time: rerunning the same command resumes from
.cache/train/target/checkpoint.npz.
Needs python3 with numpy (present on the project's machines); --device cuda needs CuPy.`)
    .action(async (o: TrainTargetFlags) => (await import('./actions/train.ts')).trainTargetAction(o));
  train
    .command('drafts')
    .argument('[names...]', `drafts to train (${LEARNED_DRAFTS.join(', ')}); all when omitted`)
    .description('train the learned drafts against the shipped target, one data budget for all (PyTorch via python3; about 80 minutes on 2 cores, minutes on a GPU with --device cuda; resumable)')
    .option('--out <dir>', 'drafts directory to write', DRAFTS_DIR)
    .option('--data-fraction <f>', 'train on this share of the data budget (data-scaling runs; shipped weights use 1)', '1')
    .option('--steps <n>', `override the optimizer steps at data fraction 1 (default ${DRAFT_TRAINING.steps})`)
    .option('--python <path>', 'python with torch (default: the first that has it of $PRISM_PYTHON, /usr/bin/python3, python3 on PATH; cuda: PATH before /usr/bin)')
    .option('--fresh', 'ignore existing checkpoints and start over')
    .option('--device <device>', 'cpu, or cuda for a machine with an NVIDIA GPU and a CUDA build of PyTorch', 'cpu')
    .addHelpText('after', `
Needs Debian's python3-torch and libopenblas0-pthread (apt-get install python3-torch
libopenblas0-pthread; without OpenBLAS torch falls back to the reference BLAS and runs about 15x
slower).
Interrupt it at any time: rerunning the same command resumes from the checkpoints in .cache/train/.

Examples:
  prism-bench train drafts                       # all six, the shipped recipe
  prism-bench train drafts eagle3 prism --data-fraction 0.25 --out /tmp/drafts-25`)
    .action(async (names: string[], o: TrainDraftsFlags) => (await import('./actions/train.ts')).trainDraftsAction(names, o));
}
