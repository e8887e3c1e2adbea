// What `prism-bench import` prints: per cell the imported figures at 3 decimals (the precision
// the PRISM artifact writes, so a reader can check them against the log), who measured each,
// and what the files cannot give.
import type { ResultFile } from '../result/schema.ts';
import { importInfo } from '../report/imported.ts';
import { shellQuote } from '../shell.ts';

/** Metrics in the order they are printed; others follow in stored order. */
const ORDER = ['throughput', 'speedup', 'accept_length_pooled', 'accept_length_mean', 'request_throughput', 'e2e_ms'];

export function importSummary(result: ResultFile, path: string): string {
  const prov = importInfo(result);
  const lines: string[] = [];
  const files = prov?.files.length ?? 0;
  lines.push(`Imported ${result.cells.length} cell${result.cells.length === 1 ? '' : 's'} from ${files} ${prov?.tool ?? ''} file${files === 1 ? '' : 's'} into ${path}`);
  for (const cell of result.cells) {
    if (cell.status === 'failed') {
      lines.push(`  ${cell.id}: FAILED (${cell.error ?? 'no error recorded'})`);
      continue;
    }
    const ids = Object.keys(cell.metrics).sort((a, b) => rank(a) - rank(b));
    const n = cell.trials.length;
    const figures = ids.map((id) => {
      const m = cell.metrics[id]!;
      return `${id} ${m.mean.toFixed(3)}${m.unit ? ` ${m.unit}` : ''}${m.source ? ` (${m.source})` : ''}`;
    });
    lines.push(`  ${cell.id} [${n} trial${n === 1 ? '' : 's'}${cell.positionAcceptance ? ', per-position rates' : ''}]: ${figures.join(', ')}`);
  }
  if (prov) {
    lines.push('(tool) = written by the tool; (derived) = computed by prism-bench from the tool\'s fields. Not available from these files:');
    for (const [id, why] of Object.entries(prov.unavailable)) lines.push(`  ${id}: ${why}`);
  }
  lines.push(`Next: prism-bench report ${shellQuote(path.replace(/\/result\.json$/, ''))}`);
  return lines.join('\n') + '\n';
}

function rank(id: string): number {
  const i = ORDER.indexOf(id);
  return i < 0 ? ORDER.length : i;
}
