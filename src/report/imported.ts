// The provenance of an imported result (result.json's `import` field, written by
// src/importers/build.ts): which tool wrote the files, their sha256, which figures the tool
// measured and which prism-bench derived, and what the files cannot give.
import type { ResultFile } from '../result/schema.ts';
import { z } from 'zod';
import { isRecord } from '../record.ts';
import { str } from './format.ts';

export interface ImportedFileInfo { path: string; role: string; sha256: string; lines?: string }
export interface ImportInfo {
  tool: string;
  format: string;
  formatSource: string;
  files: ImportedFileInfo[];
  metrics: Record<string, { source: string; definition: string }>;
  unavailable: Record<string, string>;
}

/** result.json's `import` field, leniently: a field of the wrong type reads as absent (or empty). */
const IMPORT_SCHEMA = z.looseObject({
  tool: z.unknown(), format: z.unknown(), formatSource: z.unknown(),
  files: z.array(z.unknown()),
  metrics: z.record(z.string(), z.looseObject({ source: z.string(), definition: z.string() })).catch({}),
  unavailable: z.record(z.string(), z.string()).catch({}),
});

/** The import provenance, or undefined for a result prism-bench ran itself. */
export function importInfo(result: ResultFile): ImportInfo | undefined {
  const parsed = IMPORT_SCHEMA.safeParse(result.import);
  if (!parsed.success) return undefined;
  const imp = parsed.data;
  return {
    tool: str(imp.tool) ?? 'unknown tool',
    format: str(imp.format) ?? '',
    formatSource: str(imp.formatSource) ?? '',
    files: imp.files.filter(isRecord).map((f) => ({ path: str(f.path) ?? '?', role: str(f.role) ?? '?', sha256: str(f.sha256) ?? '?', ...(str(f.lines) ? { lines: str(f.lines) } : {}) })),
    metrics: imp.metrics,
    unavailable: imp.unavailable,
  };
}

/** Markdown lines (unescaped text is escaped by the caller's escape function). */
export function importLines(info: ImportInfo, esc: (s: string) => string): string[] {
  const out = ['## Imported from', '', `Figures from ${esc(info.tool)} output files (format learned from ${esc(info.formatSource)}), re-analysed by prism-bench.`, ''];
  for (const f of info.files) out.push(`- ${f.role === 'baseline' ? 'baseline (vanilla)' : 'method'}: ${esc(f.path)}${f.lines ? ` lines ${esc(f.lines)}` : ''}, sha256 ${f.sha256}`);
  out.push('');
  const by = (s: string) => Object.entries(info.metrics).filter(([, o]) => o.source === s).map(([id]) => id);
  out.push(`- Measured by the tool (copied): ${by('tool').join(', ') || 'none'}`);
  out.push(`- Derived by prism-bench from the tool's per-question fields: ${by('derived').join(', ') || 'none'}`);
  const un = Object.entries(info.unavailable);
  if (un.length > 0) {
    out.push('- Not available from these files:');
    for (const [id, why] of un) out.push(`  - ${esc(id)}: ${esc(why)}`);
  }
  out.push('');
  return out;
}

/** One line for the terminal table. */
export function importLine(info: ImportInfo): string {
  return `Imported from ${info.tool} (${info.files.length} file${info.files.length === 1 ? '' : 's'}); not available from them: ${Object.keys(info.unavailable).join(', ') || 'nothing'}. Provenance and sha256: result.json "import", or report --format md.`;
}
