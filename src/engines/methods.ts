// The method x engine table (`prism-bench methods`, docs/engines.md): what each launched engine
// calls each suite draft method, read from the adapters' own declarations (EngineAccepts: methods,
// names, missing), so the table changes when an adapter does, the reference engine's column
// included (it is the engine package's own method list).
import { ADAPTERS } from './index.ts';
import { DRAFT_METHODS, type DraftMethod } from '../suite/types.ts';

/** The launched engines, in the table's column order (endpoint:* adapters launch nothing). */
export const TABLE_ENGINES = ['reference', 'sglang', 'vllm', 'trtllm'] as const;

/** One line on what each method drafts with. */
export const METHOD_SUMMARY: Readonly<Record<DraftMethod, string>> = {
  vanilla: 'no drafting (the baseline)',
  ngram: 'n-gram lookup in the prompt and output so far',
  suffix: 'suffix decoding: suffix structures over prompts and earlier outputs',
  standalone: 'a smaller draft model of the same tokenizer',
  pard: 'a draft model that drafts all its tokens in one pass (PARD)',
  medusa: 'Medusa heads on the target',
  eagle: 'an EAGLE head on the target\'s features',
  eagle3: 'an EAGLE-3 head on several of the target\'s layers',
  hass: 'a HASS-trained EAGLE head',
  hass2: 'a HASS-2 head',
  prism: 'PRISM: several parameter sets over the draft steps',
  mtp: 'the target\'s own MTP layers (DeepSeek-style)',
  dflash: 'a block drafter (DFlash): one pass per block',
};

/** One engine's entry for one method: its own name for it, or why it lacks it. */
export interface MethodCell { offered: boolean; name: string | null; missing?: string }

export interface MethodRow { method: DraftMethod; summary: string; engines: Record<(typeof TABLE_ENGINES)[number], MethodCell> }

export function methodTable(): MethodRow[] {
  return DRAFT_METHODS.filter((m) => m !== 'vanilla').map((method) => {
    const engines = Object.fromEntries(TABLE_ENGINES.map((e) => {
      const a = ADAPTERS[e]!.accepts;
      const offered = a.methods.includes(method);
      // the reference engine's drafts are its package's own list: what it lacks, it has not implemented
      const why = a.missing?.[method] ?? (e === 'reference' ? `the reference engine implements no ${method} draft` : undefined);
      const cell: MethodCell = { offered, name: offered ? a.names?.[method] ?? method : null, ...(!offered && why ? { missing: why } : {}) };
      return [e, cell];
    })) as MethodRow['engines'];
    return { method, summary: METHOD_SUMMARY[method], engines };
  });
}

const shown = (c: MethodCell) => c.name ?? '-';

/** The table as plain columns, then the reasons an engine gives for what it lacks. */
export function methodTableText(rows = methodTable()): string {
  const head = ['method', ...TABLE_ENGINES];
  const body = rows.map((r) => [r.method, ...TABLE_ENGINES.map((e) => shown(r.engines[e]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const reasons = rows.flatMap((r) => TABLE_ENGINES.flatMap((e) => (r.engines[e].missing ? [`  ${r.method} on ${e}: ${r.engines[e].missing}`] : [])));
  return [
    line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '',
    '- = not offered: a suite asking for it is refused before anything launches.',
    ...(reasons.length ? ['', 'Why:', ...reasons] : []),
  ].join('\n') + '\n';
}

/** The table in Markdown, as docs/engines.md holds it (a test keeps the two equal). */
export function methodTableMarkdown(rows = methodTable()): string {
  const cell = (c: MethodCell) => (c.name ? `\`${c.name}\`` : '-');
  return [
    `| method | drafts with | ${TABLE_ENGINES.join(' | ')} |`,
    `| --- | --- | ${TABLE_ENGINES.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| \`${r.method}\` | ${r.summary} | ${TABLE_ENGINES.map((e) => cell(r.engines[e])).join(' | ')} |`),
  ].join('\n') + '\n';
}
