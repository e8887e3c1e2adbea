// `prism-bench merge`, loaded only when it runs (../merge.ts registers it).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadResult, writeFileAtomic } from '../../result/store.ts';
import { ResultError } from '../../result/schema.ts';
import { renderReport } from '../../report/index.ts';
import { terminalWidth } from '../../report/terminal.ts';
import { mergeSweep } from '../../sweep/merge.ts';
import { mergedDir, readManifest, SweepError } from '../../sweep/manifest.ts';
import { EXIT } from '../errors.ts';
import { useColor } from '../options.ts';
import { shellQuote } from '../../shell.ts';

/** An existing result in the output directory may only be replaced by a newer merge of the same sweep. */
function checkOutDir(outDir: string, sweepId: string): void {
  if (!existsSync(join(outDir, 'result.json'))) return;
  let previous;
  try { previous = loadResult(outDir); } catch (e) { if (!(e instanceof ResultError)) throw e; }
  if (previous?.sweep?.sweepId === sweepId) return;
  throw new SweepError(`--out ${outDir}: already holds a result that is not a merge of this sweep -- choose another --out`);
}

export function mergeAction(sweep: string, o: { out?: string; json?: boolean }): void {
  const sweepDir = resolve(sweep);
  const manifest = readManifest(sweepDir);
  const outDir = resolve(o.out ?? mergedDir(sweepDir));
  checkOutDir(outDir, manifest.sweepId);
  const { result, records, shards } = mergeSweep(sweepDir, manifest, outDir);
  writeFileAtomic(join(outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileAtomic(join(outDir, 'requests.jsonl'), records.map((r) => JSON.stringify(r) + '\n').join(''));
  writeFileAtomic(join(outDir, 'report.md'), renderReport(result, 'md'));
  writeFileAtomic(join(outDir, 'report.csv'), renderReport(result, 'csv'));
  writeFileAtomic(join(outDir, 'report.html'), renderReport(result, 'html'));
  process.stdout.write(o.json ? renderReport(result, 'json') : renderReport(result, 'terminal', { color: useColor(), width: terminalWidth(), source: outDir }));
  const unfinished = shards.filter((s) => s.state !== 'complete');
  process.stderr.write(`merged ${shards.length - unfinished.length} of ${shards.length} shards into ${outDir} (result.json, requests.jsonl, report.md, report.csv, report.html)\n`);
  for (const s of unfinished) process.stderr.write(`  shard ${s.shard.index} (${s.shard.units.join(', ')}): ${s.state}; its unfinished cells are marked failed\n`);
  if (unfinished.length) process.stderr.write(`resubmit the unfinished shards with  prism-bench slurm submit --resume ${shellQuote(sweepDir)}\n`);
  process.exitCode = result.cells.some((c) => c.status === 'failed') ? EXIT.failed : EXIT.ok;
}
