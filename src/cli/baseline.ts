import type { Command } from 'commander';

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
  prism-bench baseline save results/nightly/result.json --name h100-nightly \\
      --dir ci/baselines --force
  prism-bench gate --baseline baselines/main.json results/pr-run

Exit codes: 0 saved; 2 the result cannot be loaded or is incomplete, the name is invalid, or the
baseline exists (pass --force to replace it).`)
    .action(async (input: string, o: { name: string; dir: string; force?: boolean }) => (await import('./actions/baseline.ts')).baselineSaveAction(input, o));
}
