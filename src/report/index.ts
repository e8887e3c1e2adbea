// Report exporters: one per format behind the Exporter interface; renderReport picks one.
import type { ResultFile } from '../result/schema.ts';
import { REPORT_FORMATS, type Exporter, type RenderOptions, type ReportFormat } from './types.ts';
import { tableExporter } from './table.ts';
import { terminalExporter } from './terminal.ts';
import { markdownExporter } from './markdown.ts';
import { csvExporter } from './csv.ts';
import { jsonExporter } from './json.ts';
import { htmlExporter } from './html.ts';

export { REPORT_FORMATS, type Exporter, type RenderOptions, type ReportFormat } from './types.ts';

export const exporters: Record<ReportFormat, Exporter> = {
  terminal: terminalExporter,
  table: tableExporter,
  md: markdownExporter,
  csv: csvExporter,
  json: jsonExporter,
  html: htmlExporter,
};

export function isReportFormat(format: string): format is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(format);
}

/** Renders the result in `format`; throws a one-line Error for an unknown format. */
export function renderReport(result: ResultFile, format: ReportFormat, opts: RenderOptions = {}): string {
  if (!isReportFormat(format)) {
    throw new Error(`unknown report format "${String(format)}" -- use one of ${REPORT_FORMATS.join(', ')}`);
  }
  return exporters[format].render(result, opts);
}
