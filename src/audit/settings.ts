// Pair checks: two results are only comparable when they ran with the same suite settings on
// equivalent hardware. Within one result every cell shares the suite's settings by construction,
// so there is nothing to check there.
import type { AuditFinding, ResultFile, StoredFingerprint } from '../result/schema.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import { finding } from './common.ts';


/** One warning per suite setting that differs: "settings differ: maxNewTokens: 96 vs 32" (a's value first). */
export function checkSettings(a: ResultFile, b: ResultFile): AuditFinding[] {
  return suiteSettingsDiff(a.suite, b.suite)
    .map((d) => finding('settings', 'warning', `settings differ between the runs: ${d}`));
}

/** True when a stored fingerprint has every section fingerprintDifferences reads (a complete one). */
export function isFingerprint(v: StoredFingerprint | undefined): boolean {
  if (!v) return false;
  const { cpu, memory, os, node, gpus } = v;
  return cpu !== undefined && typeof memory?.totalBytes === 'number' && os !== undefined
    && typeof node?.version === 'string' && Array.isArray(gpus);
}

/** One warning per hardware difference that can change the numbers; one if a fingerprint is missing. */
export function checkHardware(a: ResultFile, b: ResultFile): AuditFinding[] {
  const missing = [a, b].filter((r) => !isFingerprint(r.fingerprint)).map((r) => r.runId);
  if (missing.length > 0) {
    return [finding('hardware', 'warning', `hardware fingerprint missing or incomplete in run ${missing.join(' and ')}; cannot tell whether the machines match`)];
  }
  return fingerprintDifferences(a.fingerprint, b.fingerprint)
    .map((d) => finding('hardware', 'warning', `hardware differs between the runs: ${d}`));
}
