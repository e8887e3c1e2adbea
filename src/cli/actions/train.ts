// `prism-bench train tokenizer | target | drafts`, loaded only when they run (../train.ts registers them).
import { writeFileSync } from 'node:fs';
import { Progress } from '../progress.ts';
// The engine's trainers: this module is loaded only when a `train` command runs.
import {
  trainTarget, trainDrafts, trainTokenizer, assembleCorpus, choosePython, NoPythonError, LEARNED_DRAFTS, TARGET_CONFIG,
  type PythonChoice, type PythonNeed, type TrainDevice, type LearnedDraftMethod,
} from '@prism-bench/reference-engine';
import { UsageError } from '../errors.ts';
import { intOption } from '../options.ts';
import { errnoCode } from '../../errors.ts';

/** The interpreter this trainer runs on, said on stderr; none fitting is a usage error listing what each lacked. */
function pickPython(command: string, need: PythonNeed, explicit?: string): PythonChoice {
  try {
    const c = choosePython(need, explicit);
    console.error(`${command}: python ${c.path} (${c.source}: ${c.detail})`);
    return c;
  } catch (e) {
    if (e instanceof NoPythonError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
}

function trainDevice(command: string, value: string): TrainDevice {
  if (value !== 'cpu' && value !== 'cuda') throw new UsageError(`${command}: --device must be cpu or cuda, got '${value}'`);
  return value;
}

export function trainTokenizerAction(o: { out: string }): void {
  const { documents, recipe } = assembleCorpus();
  const bar = new Progress('merges', TARGET_CONFIG.vocab - 257);
  const file = trainTokenizer(documents.filter((d) => d.split === 'train').map((d) => d.text), TARGET_CONFIG.vocab, recipe, (d) => bar.update(d));
  bar.done();
  writeFileSync(o.out, JSON.stringify(file));
  console.log(`wrote ${o.out} (${file.merges.length} merges)`);
}

export interface TrainTargetFlags { out: string; steps?: string; fresh?: boolean; device: string; python?: string }

export async function trainTargetAction(o: TrainTargetFlags): Promise<void> {
  const device = trainDevice('train target', o.device);
  const steps = o.steps === undefined ? undefined : intOption('--steps', o.steps, 1, 1_000_000);
  const python = pickPython('train target', device === 'cuda' ? 'cupy' : 'numpy', o.python).path;
  let bar: Progress | undefined;
  let lastVal = NaN;
  try {
    const r = await trainTarget({
      outDir: o.out, fresh: o.fresh, training: steps ? { steps } : undefined, device, python,
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
    if (errnoCode(e) === 'ENOENT') throw new UsageError('train target: python3 was not found; install python3 with numpy');
    throw e;
  }
}

export interface TrainDraftsFlags { out: string; dataFraction: string; steps?: string; python?: string; fresh?: boolean; device: string }

export async function trainDraftsAction(names: string[], o: TrainDraftsFlags): Promise<void> {
  const device = trainDevice('train drafts', o.device);
  for (const n of names) if (!(LEARNED_DRAFTS as string[]).includes(n)) throw new UsageError(`train drafts: unknown draft '${n}'; choose from ${LEARNED_DRAFTS.join(', ')}`);
  const fraction = Number(o.dataFraction);
  if (!(fraction > 0 && fraction <= 1)) throw new UsageError(`train drafts: --data-fraction must be in (0, 1], got '${o.dataFraction}'`);
  const steps = o.steps === undefined ? undefined : intOption('--steps', o.steps, 1, 1_000_000);
  const drafts = (names.length ? names : LEARNED_DRAFTS) as LearnedDraftMethod[]; // why: every name was checked against LEARNED_DRAFTS above
  const python = pickPython('train drafts', device === 'cuda' ? 'torch-cuda' : 'torch', o.python).path;
  let bar: Progress | undefined;
  let current = '';
  try {
    const r = await trainDrafts({
      drafts, outDir: o.out, dataFraction: fraction, fresh: o.fresh, python, training: steps ? { steps } : undefined, device,
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
    if (errnoCode(e) === 'ENOENT') throw new UsageError('train drafts: python3 was not found; install Debian\'s python3-torch (or pass --python)');
    throw e;
  }
}
