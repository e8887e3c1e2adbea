import type { Command } from 'commander';
import { loadResult, writeFileAtomic } from '../result/store.ts';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../report/index.ts';
import { UsageError } from './errors.ts';
import { useColor } from './options.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a result as a terminal table, Markdown, CSV, JSON or a self-contained HTML page with plots')
    .argument('<result>', 'result.json, or the run directory holding it')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', `
Examples:
  prism-bench report results/2026-11-26T10-00-00-default
  prism-bench report results/run/result.json --format md --out paper-table.md
  prism-bench report results/run --format csv > cells.csv
  prism-bench report results/run --format html --out report.html   (opens offline: plots inlined)`)
    .action((path: string, o: { format: string; out?: string }) => {
      if (!isReportFormat(o.format)) throw new UsageError(`--format: unknown format '${o.format}'; use one of ${REPORT_FORMATS.join(', ')}`);
      const result = loadResult(path);
      const text = renderReport(result, o.format, { color: !o.out && o.format === 'table' && useColor() });
      if (o.out) writeFileAtomic(o.out, text); else process.stdout.write(text);
    });
}
