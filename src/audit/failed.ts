// Failed check: a failed cell has no (or partial) figures; say why, with the first line of its error.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import { finding, firstLine } from './common.ts';

export function checkFailed(result: ResultFile): AuditFinding[] {
  return result.cells
    .filter((c) => c.status === 'failed')
    .map((c) => {
      const reason = firstLine(c.error) || '(no reason recorded)';
      return finding('failed', 'error', `cell failed: ${reason}${c.log ? ` (log: ${c.log})` : ''}`, c.id);
    });
}
