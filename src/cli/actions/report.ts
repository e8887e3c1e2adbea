// `prism-bench report`, loaded only when it runs (../report.ts registers it).
import { loadResult, writeFileAtomic } from '../../result/store.ts';
import { isReportFormat, renderReport, REPORT_FORMATS } from '../../report/index.ts';
import { UsageError } from '../errors.ts';
import { useColor } from '../options.ts';

export function reportAction(path: string, o: { format: string; out?: string }): void {
  if (!isReportFormat(o.format)) throw new UsageError(`--format: unknown format '${o.format}'; use one of ${REPORT_FORMATS.join(', ')}`);
  const result = loadResult(path);
  const text = renderReport(result, o.format, { color: !o.out && o.format === 'table' && useColor() });
  if (o.out) writeFileAtomic(o.out, text); else process.stdout.write(text);
}
