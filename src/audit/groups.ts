// The audit as a person reads it: findings of one severity and one check folded into one group
// (errors first), so 229 noise notes become one line with a count instead of burying the lossless
// and temperature checks. Every presentation (terminal, Markdown, HTML) groups through here.
import type { AuditFinding } from '../result/schema.ts';
import { SEVERITY_RANK, checkRank, sortFindings, type Severity } from './common.ts';

export interface AuditGroup {
  severity: Severity;
  check: string;
  /** the group's findings in the audit's deterministic order */
  findings: AuditFinding[];
  /** distinct cells named by the group's findings, in order of first appearance */
  cells: string[];
  /** how many findings name no single cell */
  runWide: number;
}

/** Groups findings by (severity, check) in the audit's order: error > warning > info, then CHECK_ORDER. */
export function groupFindings(findings: readonly AuditFinding[]): AuditGroup[] {
  const groups = new Map<string, AuditGroup>();
  // sortFindings orders by severity, then cell, then check; regroup so one check of one severity is one group
  const sorted = sortFindings(findings);
  for (const f of sorted) {
    const key = `${f.severity}\u0000${f.check}`;
    let g = groups.get(key);
    if (!g) {
      g = { severity: f.severity, check: f.check, findings: [], cells: [], runWide: 0 };
      groups.set(key, g);
    }
    g.findings.push(f);
    if (f.cell === undefined) g.runWide += 1;
    else if (!g.cells.includes(f.cell)) g.cells.push(f.cell);
  }
  const firstIndex = new Map<AuditGroup, number>();
  for (const g of groups.values()) firstIndex.set(g, sorted.indexOf(g.findings[0]!));
  return [...groups.values()].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || checkRank(a.check) - checkRank(b.check) || firstIndex.get(a)! - firstIndex.get(b)!);
}

/** Counts per severity, for a one-line headline ("1 error, 3 warnings, 229 notes"). */
export function severityCounts(findings: readonly AuditFinding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
