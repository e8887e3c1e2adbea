// The projection's tables (the speedup per cell, depth advice, shape advice) share one layout:
// markdown with a ### title, or plain text with columns padded to their widest cell.

/** A titled table of formatted cells with its note: markdown (### title) or padded plain text. */
export function titledTable(title: string, note: string, header: readonly string[], body: readonly string[][], format: 'table' | 'markdown'): string {
  if (format === 'markdown') {
    return [`### ${title}`, '', note, '', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((b) => `| ${b.join(' | ')} |`), ''].join('\n') + '\n';
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [title, note, line(header), ...body.map(line), ''].join('\n') + '\n';
}
