// Old key names a suite may still use, renamed before validation with a one-line note on stderr:
// a draft's draftTokens (verifiedTokens for learned drafts, the root included; draftedTokens for
// ngram, the root not counted) and the sglang engine's modelPath and draftModelPath (model and
// draftModel, as every adapter names them). Old and new name on one mapping is an error.
import { isRecord } from '../record.ts';

/** What a renamed key becomes, and why; `null` leaves the key to the schema. */
interface Rename { from: string; to: string; what: string }

/** The name a draft's draftTokens has now, by its method (none for vanilla or no method). */
export function legacyDraftKey(method: unknown): 'draftedTokens' | 'verifiedTokens' | undefined {
  if (method === 'ngram') return 'draftedTokens';
  if (typeof method === 'string' && method !== 'vanilla') return 'verifiedTokens';
  return undefined;
}

const DRAFT_RENAMES = (method: unknown): Rename | null => {
  const to = legacyDraftKey(method);
  if (!to) return null;
  return { from: 'draftTokens', to, what: to === 'draftedTokens' ? 'tokens drafted per cycle, the root not counted' : 'tokens verified per cycle, the root included' };
};

const SGLANG_RENAMES: Rename[] = [
  { from: 'modelPath', to: 'model', what: 'the target model, as every engine names it' },
  { from: 'draftModelPath', to: 'draftModel', what: 'the draft model, as every engine names it' },
];

/** A suite document with both an old key and its new name (one-line error, thrown by the caller). */
export interface LegacyConflict { path: string; problem: string; fix: string }

/** Notes already written in this process: a suite read twice says it once. */
const noted = new Set<string>();

/** Writes a deprecation note once per file and key. */
export function noteDeprecated(line: string): void {
  if (noted.has(line)) return;
  noted.add(line);
  process.stderr.write(`${line}\n`);
}

/** The mapping with r.from renamed to r.to in its place (key order kept for messages), or the conflict. */
function rename(m: Record<string, unknown>, r: Rename, at: string, shown: string, note: (line: string) => void): { ok: Record<string, unknown> } | { conflict: LegacyConflict } {
  if (!(r.from in m)) return { ok: m };
  if (r.to in m) return { conflict: { path: `${at}.${r.from}`, problem: `both ${r.from} and ${r.to} given (${r.from} is the old name of ${r.to})`, fix: `remove ${r.from} and keep ${r.to}` } };
  note(`${shown}: ${at}.${r.from} is deprecated: write ${r.to} (${r.what})`);
  return { ok: Object.fromEntries(Object.entries(m).map(([k, v]) => [k === r.from ? r.to : k, v])) };
}

/**
 * Renames old keys in a parsed suite document (the mappings it changes are copies) and
 * returns the document, or the first conflict. `shown` is the file as messages name it.
 */
export function normaliseLegacy(doc: Record<string, unknown>, shown: string, note: (line: string) => void = noteDeprecated): { doc: Record<string, unknown> } | { conflict: LegacyConflict } {
  const out = { ...doc };
  if (Array.isArray(doc.drafts)) {
    const drafts: unknown[] = [];
    for (const [i, d] of doc.drafts.entries()) {
      const r = isRecord(d) ? DRAFT_RENAMES(d.method) : null;
      if (!r || !isRecord(d)) {
        drafts.push(d);
        continue;
      }
      const renamed = rename(d, r, `drafts[${i}]`, shown, note);
      if ('conflict' in renamed) return renamed;
      drafts.push(renamed.ok);
    }
    out.drafts = drafts;
  }
  if (Array.isArray(doc.engines)) {
    const engines: unknown[] = [];
    for (const [i, e] of doc.engines.entries()) {
      if (!isRecord(e) || e.name !== 'sglang' || !isRecord(e.options)) {
        engines.push(e);
        continue;
      }
      let options = e.options;
      for (const r of SGLANG_RENAMES) {
        const renamed = rename(options, r, `engines[${i}].options`, shown, note);
        if ('conflict' in renamed) return renamed;
        options = renamed.ok;
      }
      engines.push({ ...e, options });
    }
    out.engines = engines;
  }
  return { doc: out };
}
