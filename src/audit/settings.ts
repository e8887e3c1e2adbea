// Pair checks: two results are only comparable when they ran with the same suite settings on
// equivalent hardware. Within one result every cell shares the suite's settings by construction,
// so there is nothing to check there.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import type { HardwareFingerprint } from '../hardware/types.ts';
import type { Settings } from '../suite/types.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import { finding } from './common.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function settingsOf(result: ResultFile): { settings: Partial<Settings> } {
  const s = isObj(result.suite) ? result.suite.settings : undefined;
  return { settings: (isObj(s) ? s : {}) as Partial<Settings> };
}

/** One warning per suite setting that differs: "settings differ: maxNewTokens: 96 vs 32" (a's value first). */
export function checkSettings(a: ResultFile, b: ResultFile): AuditFinding[] {
  return suiteSettingsDiff(settingsOf(a), settingsOf(b))
    .map((d) => finding('settings', 'warning', `settings differ between the runs: ${d}`));
}

/** True when v has every field fingerprintDifferences reads. */
export function isFingerprint(v: unknown): v is HardwareFingerprint {
  if (!isObj(v)) return false;
  const { cpu, memory, os, node, gpus } = v;
  return isObj(cpu) && isObj(memory) && typeof memory.totalBytes === 'number' && isObj(os)
    && isObj(node) && typeof node.version === 'string' && Array.isArray(gpus) && gpus.every(isObj);
}

/** One warning per hardware difference that can change the numbers; one if a fingerprint is missing. */
export function checkHardware(a: ResultFile, b: ResultFile): AuditFinding[] {
  const missing = [a, b].filter((r) => !isFingerprint(r.fingerprint)).map((r) => r.runId);
  if (missing.length > 0) {
    return [finding('hardware', 'warning', `hardware fingerprint missing or incomplete in run ${missing.join(' and ')}; cannot tell whether the machines match`)];
  }
  return fingerprintDifferences(a.fingerprint as HardwareFingerprint, b.fingerprint as HardwareFingerprint)
    .map((d) => finding('hardware', 'warning', `hardware differs between the runs: ${d}`));
}
