// `prism-bench slurm submit` and `slurm status`, loaded only when they run (../slurm.ts registers them).
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { submitSweep } from '../../slurm/submit.ts';
import { sweepStatus } from '../../slurm/status.ts';
import { arraySpec } from '../../slurm/script.ts';
import { LIVE_STATES } from '../../slurm/jobs.ts';
import { intOption } from '../options.ts';
import { shellQuote as q } from '../../shell.ts';
import { UsageError } from '../errors.ts';

export interface SubmitFlags { suite?: string; out?: string; quick?: boolean; shards?: string; partition?: string; gpusPerTask?: string; time?: string; sbatchArg: string[]; print?: boolean; resume?: string }

export async function slurmSubmitAction(o: SubmitFlags): Promise<void> {
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
    process.stderr.write(`nothing to resubmit in ${sweepDir}: every shard finished${skipped.length ? ' or is still queued or running' : ''}; merge with  prism-bench merge ${q(sweepDir)}\n`);
    return;
  }
  const n = outcome.manifest.shards.length;
  if (o.print) {
    process.stdout.write(`# ${sweepDir}/${submission.arrayScript}\n${outcome.arrayScriptText}\n# ${sweepDir}/${submission.mergeScript}\n${outcome.mergeScriptText}`);
    process.stderr.write(`wrote ${sweepDir}/sweep.json and the scripts above (nothing submitted); submit them with\n  jid=$(sbatch --parsable ${q(`${sweepDir}/${submission.arrayScript}`)}) && sbatch --dependency=afterany:$jid ${q(`${sweepDir}/${submission.mergeScript}`)}\n`);
    return;
  }
  process.stderr.write(`submitted array job ${submission.arrayJobId} (shards ${arraySpec(submission.shards)} of ${n}) and merge job ${submission.mergeJobId} (runs when the array ends, writes ${sweepDir}/merged)\nfollow it with  prism-bench slurm status ${q(sweepDir)}\n`);
  process.stdout.write(`${submission.arrayJobId} ${submission.mergeJobId}\n`);
}

export async function slurmStatusAction(dir: string, o: { json?: boolean }): Promise<void> {
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
  if (todo) process.stdout.write(`${todo} shard(s) not finished; once they are no longer queued or running: prism-bench slurm submit --resume ${q(st.sweepDir)}\n`);
}
