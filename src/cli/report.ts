import type { Command } from 'commander';
import { REPORT_FORMATS } from '../report/types.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a result as a terminal table, Markdown, CSV, JSON or a self-contained HTML page with plots')
    .argument('<result>', 'result.json, or the run directory holding it')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--profile <file>', 'add the speedup projected onto this cost profile, labelled "projected (profile NAME)" (table and md: a section after the report; json: a projection key); see prism-bench project')
    .addHelpText('after', `
Examples:
  prism-bench report results/2026-11-26T10-00-00-default
  prism-bench report results/run/result.json --format md --out paper-table.md
  prism-bench report results/run --format csv > cells.csv
  prism-bench report results/run --format html --out report.html   (opens offline: plots inlined)`)
    .action(async (path: string, o: { format: string; out?: string; profile?: string }) => (await import('./actions/report.ts')).reportAction(path, o));
}
