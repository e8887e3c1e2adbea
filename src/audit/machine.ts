// Machine-state check on a pair of runs: the same hardware in a different state (load average, CPU
// placement, clock; hardware/state.ts). Such a pair is still comparable, but only provisionally:
// the state moves every engine of a run together, which no trial of either run can show, so a
// verdict across the two runs may be the machine's doing. Within one run it cannot happen.
import type { AuditFinding, StoredFingerprint } from '../result/schema.ts';
import { machineStateDifferences } from '../hardware/state.ts';
import { finding } from './common.ts';

/** One warning per difference in the machine's state between runs a and b (a's value first). */
export function checkMachineState(a: { fingerprint: StoredFingerprint }, b: { fingerprint: StoredFingerprint }): AuditFinding[] {
  return machineStateDifferences(a.fingerprint, b.fingerprint)
    .map((d) => finding('machine', 'warning', `machine state differs between the runs: ${d} -- a verdict across these runs is provisional; rerun both on a quiet machine or use the paired gate`));
}
