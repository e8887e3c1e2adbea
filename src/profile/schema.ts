// Cost profiles: what one draft-verify cycle costs on one machine, engine and model, as curves
// the speedup model (src/projection/) reads. Versioned; validated on load with a one-line error
// naming the file, the field and the fix. Every time is milliseconds of wall time, and each
// field says what it counts (docs/profile-format.md).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PrismInputError } from '../errors.ts';

export const PROFILE_FORMAT = 'prism-bench-profile';
export const PROFILE_VERSION = 1;

const ms = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();

/** one point of a cost curve: `ms` for a pass over `tokens` fed tokens (or `rows` draft rows) */
const verifyPoint = z.strictObject({
  /** tokens fed to the target in one forward pass: the root plus the drafted tokens (1 = a vanilla decode step) */
  tokens: positiveInt,
  /** median wall time of that forward pass, ms */
  ms,
});

const verifyCurve = z.strictObject({
  /** tokens already in the KV cache when the pass runs */
  contextTokens: z.number().int().nonnegative(),
  points: z.array(verifyPoint).min(1),
});

const draftStepPoint = z.strictObject({
  /** rows one draft step feeds: 1 for a chain, top-k for a tree level */
  rows: positiveInt,
  /** median wall time of one such draft step, ms */
  ms,
});

const learnedDraft = z.strictObject({
  kind: z.literal('learned'),
  /** median wall time of the extend pass (draft step 0: the newly committed tokens with the target's features; proposes the first draft token or the root's top-k), ms per cycle */
  extendMs: ms,
  /** later draft steps (steps 1.. of a cycle) against the rows each feeds */
  steps: z.array(draftStepPoint).min(1),
  /** draft steps whose times these are drawn from (all cycles measured) */
  samples: z.number().int().nonnegative().optional(),
  description: z.string().optional(),
});

/** a draft whose cost is one figure per cycle (prompt lookup, Medusa's heads in one pass) */
const fixedDraft = z.strictObject({
  kind: z.literal('fixed'),
  /** median drafting wall time per cycle, ms (lookup, or all heads in one pass) */
  cycleMs: ms,
  description: z.string().optional(),
});

export const PROFILE_SCHEMA = z.strictObject({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(PROFILE_VERSION),
  /** what reports call it: "projected (profile NAME)" */
  name: z.string().min(1),
  /** measured by a tool on this machine, or transcribed from a table (never present transcribed figures as measured) */
  provenance: z.enum(['measured', 'transcribed']),
  /** the tool and version that wrote it (prism-bench profile x.y.z; scripts/gpu-profile.py) */
  measuredBy: z.string().min(1),
  createdAt: z.string().min(1),
  machine: z.strictObject({ description: z.string().min(1), cpu: z.string().optional(), gpu: z.string().optional(), cores: positiveInt.optional() }),
  engine: z.strictObject({ name: z.string().min(1), version: z.string().optional(), description: z.string().optional() }),
  model: z.strictObject({
    name: z.string().min(1),
    layers: positiveInt.optional(), hidden: positiveInt.optional(), vocab: positiveInt.optional(),
    dtype: z.string().optional(), description: z.string().optional(),
  }),
  target: z.strictObject({
    /** target forward pass time against tokens fed (1..64), one curve per KV-cache length */
    verify: z.array(verifyCurve).min(1),
    /** prefill time against prompt tokens (contextTokens 0) */
    prefill: z.array(verifyPoint).optional(),
  }),
  /** per draft method (the suite's method name: eagle3, prism, ngram, ...) */
  drafts: z.record(z.string(), z.discriminatedUnion('kind', [learnedDraft, fixedDraft])),
  overheads: z.strictObject({
    /** per verify cycle, outside the draft and verify passes (acceptance, sampling, cache bookkeeping, streaming), ms */
    cycleMs: ms,
    /** per request, outside prefill and cycles (HTTP, tokenizing, scheduling), ms */
    requestMs: ms,
  }),
  notes: z.array(z.string()).optional(),
});

export type Profile = z.infer<typeof PROFILE_SCHEMA>;
export type DraftCost = Profile['drafts'][string];

/** A profile file that does not load or validate: one line naming the file, field and fix, exit 2. */
export class ProfileError extends PrismInputError {}

/** The fix to suggest for a field, by its place in the file. */
function fixFor(path: string): string {
  if (path === 'format' || path === 'version') return `a profile starts with "format": "${PROFILE_FORMAT}", "version": ${PROFILE_VERSION}; make one with prism-bench profile`;
  if (path.startsWith('target.verify')) return 'give each curve contextTokens and points of {tokens >= 1, ms >= 0}';
  if (path.startsWith('drafts')) return 'a draft is {"kind": "learned", "extendMs", "steps": [{rows, ms}]} or {"kind": "fixed", "cycleMs"}';
  if (path === 'provenance') return 'say "measured" only for figures a tool measured; "transcribed" otherwise';
  return 'see docs/profile-format.md for the field';
}

/** Validates a parsed profile; throws a one-line ProfileError naming the file, field and fix. */
export function parseProfile(raw: unknown, file: string): Profile {
  const r = PROFILE_SCHEMA.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top level)';
    throw new ProfileError(`profile ${file}: ${path}: ${issue.message}; ${fixFor(path)}`);
  }
  for (const [i, c] of r.data.target.verify.entries()) {
    const toks = c.points.map((p) => p.tokens);
    if (toks.some((t, j) => j > 0 && t <= toks[j - 1])) throw new ProfileError(`profile ${file}: target.verify[${i}].points: tokens must increase; sort the points by tokens`);
  }
  return r.data;
}

export function loadProfile(file: string): Profile {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new ProfileError(`profile ${file}: cannot read it (${(e as Error).message}); give a file written by prism-bench profile`); }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new ProfileError(`profile ${file}: not JSON (${(e as Error).message}); a profile is the JSON file prism-bench profile writes`); }
  return parseProfile(raw, file);
}
