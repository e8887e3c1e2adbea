import type { Command } from 'commander';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the shards of a sweep (slurm submit) into one standard result: report, compare and gate read it like any run')
    .argument('<sweep-dir>', 'the sweep directory (holds sweep.json and shards/)')
    .option('--out <dir>', 'where to write the merged result (default: SWEEP_DIR/merged; a previous merge of the same sweep there is replaced)')
    .option('--json', 'print the result JSON on stdout instead of the table')
    .addHelpText('after', `
Cells keep the figures, trials, speedups and hardware fingerprint of the shard that measured them;
the Holm adjustment is redone over the whole suite. Cells of shards that are missing or did not
finish are marked failed with the reason, and the audit lists those shards and any comparison
between cells measured on different hardware.

Examples:
  prism-bench merge results/my-sweep                       # writes results/my-sweep/merged
  prism-bench merge results/my-sweep --out results/my-sweep-merged

Exit codes: 0 every cell ok; 1 some cells failed (or some shards did not finish); 2 usage or
input error.`)
    .action(async (sweep: string, o: { out?: string; json?: boolean }) => (await import('./actions/merge.ts')).mergeAction(sweep, o));
}
