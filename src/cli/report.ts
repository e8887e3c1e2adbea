import type { Command } from 'commander';
import { REPORT_FORMATS } from '../report/types.ts';
import type { ReportFlags } from './actions/report.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render a result as the terminal summary or the full table, Markdown, CSV, JSON or a self-contained HTML page with plots')
    .argument('<result>', 'result.json, or the run directory holding it')
    .option('--format <format>', `one of ${REPORT_FORMATS.join(', ')} (terminal: the speedup summary per temperature; table: every cell and metric)`, 'terminal')
    .option('--wide', 'the same as --format table')
    .option('--audit', 'print every fairness-audit finding, grouped (errors first), instead of a report')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--profile <file>', 'add the speedup projected onto this cost profile, labelled "projected (profile NAME)" (table and md: a section after the report; json: a projection key); see prism-bench project')
    .addHelpText('after', `
Examples:
  prism-bench report results/2026-11-26T10-00-00-default
  prism-bench report results/run --wide           every cell and metric, latency percentiles, noise
  prism-bench report results/run --audit          every audit finding
  prism-bench report results/run/result.json --format md --out paper-table.md
  prism-bench report results/run --format csv > cells.csv
  prism-bench report results/run --format html --out report.html   (opens offline: plots inlined)`)
    .action(async (path: string, o: ReportFlags) => (await import('./actions/report.ts')).reportAction(path, o));
}
