// GPU check: other processes holding the GPU while a cell ran can skew its timings.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import { finding } from './common.ts';

export function checkGpu(result: ResultFile): AuditFinding[] {
  return result.cells
    .filter((c) => Array.isArray(c.gpuBusy) && c.gpuBusy.length > 0)
    .map((c) => finding('gpu', 'warning',
      `GPU shared with other processes during ${c.id}: ${(c.gpuBusy as string[]).join('; ')} -- timings may be skewed; rerun on an idle GPU`,
      c.id));
}
