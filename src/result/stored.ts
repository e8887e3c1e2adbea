// The suite and the hardware fingerprint as a result file stores them, read leniently: every
// field is optional, a field of the wrong type reads as absent, and keys these schemas do not
// name pass through untouched, so a result file of any earlier release (or an import, whose
// suite and fingerprint are sparse) still loads. A stored draft's draftTokens, the name both
// counts once shared, reads as verifiedTokens (learned drafts) or draftedTokens (ngram).
import { z } from 'zod';
import { legacyDraftKey } from '../suite/legacy.ts';
import { isRecord } from '../record.ts';

const opt = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
const text = opt(z.string());
const count = opt(z.number());
const list = <T extends z.ZodType>(item: T) => opt(z.array(item));

const storedEngine = z.looseObject({ name: text, label: text, options: opt(z.record(z.string(), z.unknown())) });

const storedDraft = z.preprocess((d) => {
  if (!isRecord(d)) return d;
  const to = legacyDraftKey(d.method);
  if (!to || !('draftTokens' in d) || to in d) return d;
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k === 'draftTokens' ? to : k, v]));
}, z.looseObject({
  name: text, method: text,
  /** learned drafts: tokens verified per cycle, the root included */
  verifiedTokens: count,
  /** ngram: tokens drafted per cycle, the root not counted */
  draftedTokens: count,
  ngramMin: count, ngramMax: count, model: text, steps: count, topK: count, modules: count, stepMap: list(z.number()),
}));

const storedDataset = z.looseObject({ name: text, path: text });

const storedSettings = z.looseObject({
  target: text, temperatures: list(z.number()), topP: count, topK: count, maxNewTokens: count,
  ignoreEos: opt(z.boolean()), batchSize: count, prompts: opt(z.number().nullable()), seed: count,
  warmup: count, trials: count, maxTrials: count, engineLifetime: opt(z.enum(['round', 'run'])),
  engineCpus: opt(z.union([z.literal('last'), z.array(z.number())]).nullable()), interleave: opt(z.enum(['trial', 'request'])),
});

/** ResultFile.suite: the suite as run (suiteAsRun), leniently. */
export const STORED_SUITE = z.looseObject({
  version: count, name: text, description: text, file: text, quickApplied: opt(z.boolean()),
  engines: list(storedEngine), drafts: list(storedDraft), datasets: list(storedDataset),
  settings: opt(storedSettings),
});
export type StoredSuite = z.output<typeof STORED_SUITE>;
export type StoredDraft = z.output<typeof storedDraft>;

const storedGpu = z.looseObject({
  vendor: text, index: count, uuid: opt(z.string().nullable()), name: opt(z.string().nullable()), pciBusId: opt(z.string().nullable()),
  driverVersion: opt(z.string().nullable()), memoryTotalMiB: opt(z.number().nullable()), maxSmClockMHz: opt(z.number().nullable()),
  maxMemoryClockMHz: opt(z.number().nullable()), powerLimitW: opt(z.number().nullable()), persistenceMode: opt(z.boolean().nullable()),
  computeCapability: opt(z.string().nullable()),
});

/** ResultFile.fingerprint (and a merged cell's): the hardware fingerprint, leniently. */
export const STORED_FINGERPRINT = z.looseObject({
  cpu: opt(z.looseObject({ manufacturer: text, brand: text, model: text, physicalCores: count, logicalCores: count, speedGHz: count })),
  memory: opt(z.looseObject({ totalBytes: count })),
  os: opt(z.looseObject({ platform: text, distro: text, release: text, kernel: text, arch: text })),
  node: opt(z.looseObject({ version: text })),
  gpus: list(storedGpu),
  engine: opt(z.looseObject({ name: text, version: text })),
  /** where the run ran and the machine's state when it started (hardware/types.ts); compared by hardware/state.ts */
  placement: opt(z.looseObject({
    cpuAffinity: opt(z.array(z.number()).nullable()), pinned: opt(z.boolean()), loadAverage: list(z.number()),
    engineCpus: opt(z.array(z.number()).nullable()), cpuMHz: opt(z.number().nullable()),
  })),
  collectedAt: text, hostname: text, warnings: list(z.string()),
});
export type StoredFingerprint = z.output<typeof STORED_FINGERPRINT>;

/** A stored suite as its type; anything that is not a mapping reads as an empty one. */
export const storedSuite = (v: unknown): StoredSuite => STORED_SUITE.catch({}).parse(v);
/** A stored fingerprint as its type; anything that is not a mapping reads as an empty one. */
export const storedFingerprint = (v: unknown): StoredFingerprint => STORED_FINGERPRINT.catch({}).parse(v);
