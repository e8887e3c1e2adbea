// GPU check: other processes holding the GPU while a cell ran can skew its timings.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import { finding } from './common.ts';

export function checkGpu(result: ResultFile): AuditFinding[] {
  return result.cells.flatMap((c) => (c.gpuBusy !== undefined && c.gpuBusy.length > 0
    ? [finding('gpu', 'warning', `GPU shared with other processes during ${c.id}: ${c.gpuBusy.join('; ')} -- timings may be skewed; rerun on an idle GPU`, c.id)]
    : []));
}
