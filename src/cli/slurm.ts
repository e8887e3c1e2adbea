import type { Command } from 'commander';
import type { SubmitFlags } from './actions/slurm.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSlurm(program: Command): void {
  const slurm = program
    .command('slurm')
    .description('run a suite as a Slurm job array, one shard (engine x dataset group) per task, merged when the array ends');

  slurm
    .command('submit')
    .description('write the sbatch scripts of a sweep and submit them: a job array with one task per shard, and a merge job after it (--dependency=afterany)')
    .option('--suite <file>', 'suite file (YAML or JSON); its path must be readable from every node')
    .option('--out <dir>', 'sweep directory, on a filesystem every node shares (default: results/<time>-<suite>-sweep)')
    .option('--quick', 'apply the suite\'s quick overrides')
    .option('--shards <n>', 'how many shards (default: one per engine x dataset group); each holds whole groups')
    .option('--partition <p>', 'sbatch --partition for every task')
    .option('--gpus-per-task <n>', 'sbatch --gpus-per-task for the shard tasks (not the merge job)')
    .option('--time <t>', 'sbatch --time limit for each task, such as 4:00:00')
    .option('--sbatch-arg <arg>', 'one more sbatch option for every task, such as --sbatch-arg=--account=myproj (repeatable)', collect, [] as string[]) // why: commander infers the default's type from this empty list
    .option('--print', 'write the scripts and sweep.json and print the scripts, without submitting')
    .option('--resume <sweep-dir>', 'resubmit only the shards that did not finish (and are not queued or running), then merge again')
    .addHelpText('after', `
Each array task runs  prism-bench run --shard i/n --out SWEEP/shards/i  (or --resume, when the
shard already started). A shard holds every draft of one engine x dataset group with its vanilla
cells, so each speedup's numerator and denominator come from the same node and round order.

Examples:
  prism-bench slurm submit --suite suites/default.yaml --partition gpu --gpus-per-task 1 \\
      --time 4:00:00
  prism-bench slurm submit --suite suites/default.yaml --out /shared/sweeps/paper --print
  prism-bench slurm status /shared/sweeps/paper
  prism-bench slurm submit --resume /shared/sweeps/paper     # after a cancelled or failed shard

Exit codes: 0 submitted (or nothing left to resubmit); 1 a Slurm command failed; 2 usage or
input error.`)
    .action(async (o: SubmitFlags) => (await import('./actions/slurm.ts')).slurmSubmitAction(o));

  slurm
    .command('status')
    .description('show each shard\'s Slurm job state (squeue, then sacct or scontrol) and what its result files say')
    .argument('<sweep-dir>', 'the sweep directory')
    .option('--json', 'print the status as JSON')
    .addHelpText('after', `
Examples:
  prism-bench slurm status results/2026-11-28T10-00-00-default-sweep
  prism-bench slurm status results/my-sweep --json

Exit codes: 0 shown; 1 a Slurm command failed; 2 usage or input error.`)
    .action(async (dir: string, o: { json?: boolean }) => (await import('./actions/slurm.ts')).slurmStatusAction(dir, o));
}
