// `prism-bench report`, loaded only when it runs (../report.ts registers it).
import { loadResult, writeFileAtomic } from '../../result/store.ts';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../report/index.ts';
import { UsageError } from '../errors.ts';
import { useColor } from '../options.ts';

export async function reportAction(path: string, o: { format: string; out?: string; profile?: string }): Promise<void> {
  if (!isReportFormat(o.format)) throw new UsageError(`--format: unknown format '${o.format}'; use one of ${REPORT_FORMATS.join(', ')}`);
  const result = loadResult(path);
  let text = renderReport(result, o.format, { color: !o.out && o.format === 'table' && useColor() });
  if (o.profile) text = (await import('../../projection/report.ts')).withProjection(text, result, o.profile, o.format);
  if (o.out) writeFileAtomic(o.out, text); else process.stdout.write(text);
}
