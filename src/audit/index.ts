// The fairness audit: checks on one result (lossless at T=0, temperature honoured, acceptance
// figures consistent, chat templates, GPU shared, noise, failed cells) and on a pair of results (settings, hardware and the machine's state). Findings come back in one
// deterministic order: error > warning > info, then cell id, then check.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { sortFindings } from './common.ts';
import { checkLossless } from './lossless.ts';
import { checkTemperature } from './temperature.ts';
import { checkConsistency, CONSISTENCY_TOLERANCE } from './consistency.ts';
import { checkSettings, checkHardware } from './settings.ts';
import { checkGpu } from './gpu.ts';
import { checkNoise, DEFAULT_CV_THRESHOLD } from './noise.ts';
import { checkFailed } from './failed.ts';
import { checkShardHardware } from './shards.ts';
import { checkMachineState } from './machine.ts';
import { checkAttach } from './attach.ts';
import { checkChatTemplate } from './chat-template.ts';

export interface AuditOptions {
  /** throughput coefficient of variation above which a cell is flagged noisy (default 0.10) */
  cvThreshold?: number;
}

/** Audits one result against its request records (the lines of requests.jsonl). */
export function auditResult(result: ResultFile, records: RequestRecord[], opts: AuditOptions = {}): AuditFinding[] {
  return sortFindings([
    ...checkFailed(result),
    ...checkLossless(result, records),
    ...checkTemperature(result, records),
    ...checkConsistency(result, records),
    ...checkChatTemplate(result),
    ...checkGpu(result),
    ...checkNoise(result, opts.cvThreshold ?? DEFAULT_CV_THRESHOLD),
    ...checkShardHardware(result),
    ...checkAttach(result),
  ]);
}

/** Audits whether two results can be compared: suite settings, hardware and the machine's state (a's value first). */
export function auditPair(a: ResultFile, b: ResultFile): AuditFinding[] {
  return sortFindings([...checkSettings(a, b), ...checkHardware(a, b), ...checkMachineState(a, b)]);
}

export { sortFindings, GREEDY_EPSILON, CHECK_ORDER, type CheckId } from './common.ts';
export { checkLossless, checkTemperature, checkConsistency, CONSISTENCY_TOLERANCE, checkSettings, checkHardware, checkMachineState, checkGpu, checkNoise, checkFailed, checkShardHardware, checkAttach, checkChatTemplate, DEFAULT_CV_THRESHOLD };
export { groupFindings, severityCounts, type AuditGroup } from './groups.ts';
