import type { Command } from 'commander';
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { submitSweep } from '../slurm/submit.ts';
import { sweepStatus } from '../slurm/status.ts';
import { arraySpec } from '../slurm/script.ts';
import { LIVE_STATES } from '../slurm/jobs.ts';
import { intOption } from './options.ts';
import { UsageError } from './errors.ts';

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
    .option('--sbatch-arg <arg>', 'one more sbatch option for every task, such as --sbatch-arg=--account=myproj (repeatable)', collect, [] as string[])
    .option('--print', 'write the scripts and sweep.json and print the scripts, without submitting')
    .option('--resume <sweep-dir>', 'resubmit only the shards that did not finish (and are not queued or running), then merge again')
    .addHelpText('after', `
Each array task runs  prism-bench run --shard i/n --out SWEEP/shards/i  (or --resume, when the
shard already started). A shard holds every draft of one engine x dataset group with its vanilla
cells, so each speedup's numerator and denominator come from the same node and round order.

Examples:
  prism-bench slurm submit --suite suites/default.yaml --partition gpu --gpus-per-task 1 --time 4:00:00
  prism-bench slurm submit --suite suites/default.yaml --out /shared/sweeps/paper --print
  prism-bench slurm status /shared/sweeps/paper
  prism-bench slurm submit --resume /shared/sweeps/paper     # after a cancelled or failed shard

Exit codes: 0 submitted (or nothing left to resubmit); 1 a Slurm command failed; 2 usage or input error.`)
    .action(async (o: { suite?: string; out?: string; quick?: boolean; shards?: string; partition?: string; gpusPerTask?: string; time?: string; sbatchArg: string[]; print?: boolean; resume?: string }) => {
      if (o.resume !== undefined && o.quick) throw new UsageError('--quick: a resumed sweep keeps the settings it was submitted with -- remove --quick');
      const outcome = await submitSweep({
        suiteFile: o.suite, outDir: o.out, quick: o.quick, resumeDir: o.resume, print: o.print,
        shards: o.shards === undefined ? undefined : intOption('--shards', o.shards, 1, 100_000),
        slurm: {
          partition: o.partition, time: o.time,
          gpusPerTask: o.gpusPerTask === undefined ? undefined : intOption('--gpus-per-task', o.gpusPerTask, 1, 64),
          sbatchArgs: o.sbatchArg.length ? o.sbatchArg : undefined,
        },
      });
      const { sweepDir, submission, skipped } = outcome;
      for (const s of skipped) process.stderr.write(`shard ${s.index}: left alone, ${s.reason}\n`);
      if (!submission) {
        process.stderr.write(`nothing to resubmit in ${sweepDir}: every shard finished${skipped.length ? ' or is still queued or running' : ''}; merge with  prism-bench merge ${sweepDir}\n`);
        return;
      }
      const n = outcome.manifest.shards.length;
      if (o.print) {
        process.stdout.write(`# ${sweepDir}/${submission.arrayScript}\n${outcome.arrayScriptText}\n# ${sweepDir}/${submission.mergeScript}\n${outcome.mergeScriptText}`);
        process.stderr.write(`wrote ${sweepDir}/sweep.json and the scripts above (nothing submitted); submit them with\n  jid=$(sbatch --parsable ${sweepDir}/${submission.arrayScript}) && sbatch --dependency=afterany:$jid ${sweepDir}/${submission.mergeScript}\n`);
        return;
      }
      process.stderr.write(`submitted array job ${submission.arrayJobId} (shards ${arraySpec(submission.shards)} of ${n}) and merge job ${submission.mergeJobId} (runs when the array ends, writes ${sweepDir}/merged)\nfollow it with  prism-bench slurm status ${sweepDir}\n`);
      process.stdout.write(`${submission.arrayJobId} ${submission.mergeJobId}\n`);
    });

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
    .action(async (dir: string, o: { json?: boolean }) => {
      const st = await sweepStatus(resolve(dir));
      if (o.json) { process.stdout.write(JSON.stringify(st, null, 2) + '\n'); return; }
      const table = new Table({ head: ['Shard', 'Groups', 'Slurm job', 'Slurm state', 'Node / reason', 'Result', 'Cells ok/failed/pending'], style: { head: [], border: [] } });
      for (const s of st.shards) {
        // result.json says "running" both for a live task and for one killed outright; Slurm tells which
        const files = s.files === 'unfinished' && LIVE_STATES.has(s.slurmState) ? 'running' : s.files;
        table.push([String(s.index), s.units.join(', '), s.job ?? '-', s.slurmState, s.slurmDetail ?? '', files, `${s.cells.ok}/${s.cells.failed}/${s.cells.pending}`]);
      }
      process.stdout.write(`sweep ${st.sweepDir} (suite ${st.suiteFile})\n${table.toString()}\n`);
      process.stdout.write(`merge job: ${st.merge.job ?? '-'} ${st.merge.slurmState}; merged result: ${st.merge.merged ? 'written' : 'not yet'}\n`);
      process.stdout.write(`job states from ${st.source}\n`);
      const todo = st.shards.filter((s) => !s.finished).length;
      if (todo) process.stdout.write(`${todo} shard(s) not finished; once they are no longer queued or running: prism-bench slurm submit --resume ${st.sweepDir}\n`);
    });
}
