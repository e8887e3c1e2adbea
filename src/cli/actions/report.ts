// `prism-bench report`, loaded only when it runs (../report.ts registers it).
import { loadResult, writeFileAtomic } from '../../result/store.ts';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../report/index.ts';
import { renderAuditText, terminalWidth } from '../../report/terminal.ts';
import { UsageError } from '../errors.ts';
import { useColor } from '../options.ts';

export interface ReportFlags { format: string; out?: string; wide?: boolean; audit?: boolean; profile?: string }

export async function reportAction(path: string, o: ReportFlags): Promise<void> {
  if (!isReportFormat(o.format)) throw new UsageError(`--format: unknown format '${o.format}'; use one of ${REPORT_FORMATS.join(', ')}`);
  if (o.wide && o.format !== 'terminal' && o.format !== 'table') throw new UsageError(`--wide: widens the terminal summary into the full table; remove it or --format ${o.format}`);
  if (o.audit && o.format !== 'terminal') throw new UsageError(`--audit: prints the audit findings as text; remove it or --format ${o.format}`);
  const format = o.wide ? 'table' : o.format;
  const result = loadResult(path);
  const color = !o.out && (format === 'table' || format === 'terminal') && useColor();
  // a file has no terminal: the summary takes the default width there
  const width = o.out ? undefined : terminalWidth();
  let text = o.audit ? renderAuditText(result, color) : renderReport(result, format, { color, width, source: path });
  if (o.profile) text = (await import('../../projection/report.ts')).withProjection(text, result, o.profile, format);
  if (o.out) writeFileAtomic(o.out, text); else process.stdout.write(text);
}
