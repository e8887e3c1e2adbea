// The exporter interface every report format implements (hyperfine's shape: one exporter per format).
import type { ResultFile } from '../result/schema.ts';

// terminal: the compact summary (the default); table: every cell and metric (--wide)
export const REPORT_FORMATS = ['terminal', 'table', 'md', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** ANSI colors; only the table format uses them. Callers pass false for NO_COLOR or a non-TTY. */
  color?: boolean;
  /** Columns the terminal summary may take (report/terminal.ts terminalWidth); default 100. */
  width?: number;
  /** The run directory or result file rendered, named in the summary's hints. */
  source?: string;
}

export interface Exporter {
  format: ReportFormat;
  /** The whole report as text, ending with a newline. */
  render(result: ResultFile, opts: RenderOptions): string;
}
