// Shared pieces of the audit checks: which records belong to a cell, output comparison against a
// greedy reference, number formatting and the one deterministic order every finding list uses.
import type { AuditFinding, Cell, ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';

/** Temperatures below this decode greedily (SGLang's convention). */
export const GREEDY_EPSILON = 1e-6;

export const isGreedy = (temperature: number): boolean => temperature < GREEDY_EPSILON;

export type Severity = AuditFinding['severity'];

/** Check ids in the order findings of one cell and one severity are listed. */
export const CHECK_ORDER = ['failed', 'lossless', 'temperature', 'consistency', 'chat-template', 'attach', 'settings', 'hardware', 'machine', 'gpu', 'noise'] as const;
export type CheckId = (typeof CHECK_ORDER)[number];

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** A check's place in CHECK_ORDER; a check it does not list sorts after every listed one. */
export function checkRank(check: string): number {
  const i = (CHECK_ORDER as readonly string[]).indexOf(check);
  return i < 0 ? CHECK_ORDER.length : i;
}

export function finding(check: CheckId, severity: Severity, message: string, cell?: string): AuditFinding {
  return cell === undefined ? { check, severity, message } : { check, severity, cell, message };
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Deterministic order: error > warning > info, then cell id (findings about no single cell
 * first), then check (CHECK_ORDER), then the order the check produced them. Returns a new array.
 */
export function sortFindings(findings: readonly AuditFinding[]): AuditFinding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((x, y) =>
      SEVERITY_RANK[x.f.severity] - SEVERITY_RANK[y.f.severity]
      || cmpStr(x.f.cell ?? '', y.f.cell ?? '')
      || checkRank(x.f.check) - checkRank(y.f.check)
      || cmpStr(x.f.check, y.f.check)
      || x.i - y.i)
    .map(({ f }) => f);
}

/**
 * The records a cell's figures come from: those of the attempts named by its trials (a resumed
 * run leaves abandoned attempts in requests.jsonl). A cell with no trials recorded keeps all of
 * its records. Sorted by prompt, turn, trial so "first" means the same thing every run.
 */
export function cellRecords(cell: Cell, records: readonly RequestRecord[]): RequestRecord[] {
  const attempts = new Set((cell.trials ?? []).map((t) => t.attempt));
  return records
    .filter((r) => r.cell === cell.id && (attempts.size === 0 || attempts.has(r.attempt)))
    .sort((a, b) => cmpStr(a.promptId, b.promptId) || a.turn - b.turn || a.trial - b.trial);
}

/** Records grouped by cell id, for checks that look up many cells. */
export function recordsByCell(result: ResultFile, records: readonly RequestRecord[]): Map<string, RequestRecord[]> {
  const byId = new Map<string, RequestRecord[]>();
  for (const r of records) {
    const list = byId.get(r.cell);
    if (list) list.push(r);
    else byId.set(r.cell, [r]);
  }
  const out = new Map<string, RequestRecord[]>();
  for (const c of result.cells) out.set(c.id, cellRecords(c, byId.get(c.id) ?? []));
  return out;
}

export interface OutputComparison {
  /** subject requests that had a reference request with the same prompt and turn */
  compared: number;
  /** of those, how many produced the reference's output */
  equal: number;
  /** subject requests whose output differs, in (prompt, turn, trial) order */
  differing: RequestRecord[];
  /** subject requests with no reference request of the same prompt and turn */
  unmatched: RequestRecord[];
}

const key = (r: RequestRecord): string => `${r.promptId}\u0000${r.turn}`;

/**
 * Compares each subject request's outputHash with the reference request of the same prompt and
 * turn: of the same trial when the reference has it, else of any trial (the reference is greedy,
 * so its output does not depend on the trial; where its trials disagree, matching any one counts).
 */
export function compareOutputs(subject: readonly RequestRecord[], reference: readonly RequestRecord[]): OutputComparison {
  const index = new Map<string, Map<number, Set<string>>>();
  for (const r of reference) {
    let byTrial = index.get(key(r));
    if (!byTrial) index.set(key(r), (byTrial = new Map<number, Set<string>>()));
    let hashes = byTrial.get(r.trial);
    if (!hashes) byTrial.set(r.trial, (hashes = new Set()));
    hashes.add(r.outputHash);
  }
  const out: OutputComparison = { compared: 0, equal: 0, differing: [], unmatched: [] };
  for (const r of subject) {
    const byTrial = index.get(key(r));
    if (!byTrial) {
      out.unmatched.push(r);
      continue;
    }
    out.compared++;
    const same = byTrial.get(r.trial);
    const equal = same ? same.has(r.outputHash) : [...byTrial.values()].some((h) => h.has(r.outputHash));
    if (equal) out.equal++;
    else out.differing.push(r);
  }
  return out;
}

/** "chat-03 (turn 0), chat-07 (turn 1)" for the first `max` distinct prompt/turn pairs, "+N more" after. */
export function promptList(records: readonly RequestRecord[], max = 3): string {
  const seen: string[] = [];
  const names = new Set<string>();
  for (const r of records) {
    const name = `${r.promptId} (turn ${r.turn})`;
    if (names.has(name)) continue;
    names.add(name);
    seen.push(name);
  }
  const shown = seen.slice(0, max).join(', ');
  return seen.length > max ? `${shown} and ${seen.length - max} more` : shown;
}

/** 0.9 -> "90.0%" */
export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Up to 4 significant digits, no trailing zeros: 41.3, 0.1234, 12345. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 ? String(Math.round(x)) : String(Number(x.toPrecision(4)));
}

/** First line of a possibly multi-line message, trimmed. */
export function firstLine(text: string | undefined): string {
  return (text ?? '').split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}
