import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { baselinePath, makeBaseline, saveBaseline } from '../gate/baseline.ts';
import { loadResultInput } from '../gate/comparable.ts';
import { UsageError } from './errors.ts';

export function registerBaseline(program: Command): void {
  const baseline = program
    .command('baseline')
    .description('manage baselines: compact copies of a result that `gate` compares later runs against');

  baseline
    .command('save')
    .description('save a result as baselines/NAME.json (fingerprint, suite as run, per-trial values of every metric)')
    .argument('<result>', 'a result.json or the run directory holding one')
    .requiredOption('--name <name>', "baseline name; the file is DIR/NAME.json (letters, digits, '.', '_', '-')")
    .option('--dir <dir>', 'folder to write the baseline to', 'baselines')
    .option('--force', 'replace an existing baseline of the same name')
    .addHelpText('after', `
Only a complete run whose cells all succeeded can become a baseline (a failed or missing cell
would make every later gate report "not comparable").

Examples:
  prism-bench baseline save results/20250314-092653-small --name main
  prism-bench baseline save results/nightly/result.json --name h100-nightly --dir ci/baselines --force
  prism-bench gate --baseline baselines/main.json results/pr-run

Exit codes: 0 saved; 2 the result cannot be loaded or is incomplete, the name is invalid, or the
baseline exists (pass --force to replace it).`)
    .action((input: string, o: { name: string; dir: string; force?: boolean }) => {
      const { path, result } = loadResultInput(input);
      const unfinished = result.cells.filter((c) => c.status !== 'ok');
      if (unfinished.length > 0) {
        throw new UsageError(`${path}: cells not ok: ${unfinished.map((c) => `${c.id} (${c.status})`).join(', ')} -- a baseline needs every cell measured; rerun (or --resume) the suite first`);
      }
      if (result.cells.length === 0) throw new UsageError(`${path}: the result has no cells -- nothing to baseline`);
      if (result.status === 'running') throw new UsageError(`${path}: the run is still in progress (status running) -- wait for it to finish`);
      const built = makeBaseline(result, o.name);
      const target = baselinePath(o.dir, o.name);
      const existed = existsSync(target);
      if (existed && !o.force) throw new UsageError(`${target}: a baseline named '${o.name}' exists -- pass --force to replace it, or choose another --name`);
      const written = saveBaseline(o.dir, built);
      const metrics = new Set(built.cells.flatMap((c) => Object.keys(c.metrics)));
      console.log(`${existed ? 'replaced' : 'saved'} baseline '${o.name}' -> ${written} (run ${result.runId}, ${built.cells.length} cells, ${metrics.size} metrics)`);
    });
}
