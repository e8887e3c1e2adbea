// Noise check: a throughput coefficient of variation above the threshold means the trials
// disagree too much for the mean to be trusted; outlier trials (modified Z-score, flagged, never
// dropped) are noted per metric.
import type { AuditFinding, MetricValue, ResultFile } from '../result/schema.ts';
import { finding, num, percent } from './common.ts';

export const DEFAULT_CV_THRESHOLD = 0.1;

/** The metric's CV: as recorded, else stddev/|mean|, else from its values (n-1 sd); null below 2 values or at mean 0. */
export function metricCv(m: MetricValue): number | null {
  if (typeof m.cv === 'number' && Number.isFinite(m.cv)) return m.cv;
  const values = Array.isArray(m.values) ? m.values : [];
  if (values.length < 2) return null;
  const mean = values.reduce((a, x) => a + x, 0) / values.length;
  if (mean === 0) return null;
  const sd = typeof m.stddev === 'number' && Number.isFinite(m.stddev)
    ? m.stddev
    : Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (values.length - 1));
  return sd / Math.abs(mean);
}

export function checkNoise(result: ResultFile, cvThreshold = DEFAULT_CV_THRESHOLD): AuditFinding[] {
  if (!Number.isFinite(cvThreshold) || cvThreshold < 0) throw new RangeError(`cvThreshold must be a number >= 0, got ${cvThreshold}`);
  const out: AuditFinding[] = [];
  for (const cell of result.cells) {
    if (cell.status === 'failed') continue;
    const tp = cell.metrics?.throughput;
    const cv = tp ? metricCv(tp) : null;
    if (tp && cv !== null && cv > cvThreshold) {
      out.push(finding('noise', 'warning',
        `throughput CV ${percent(cv)} over ${tp.values.length} trials exceeds ${num(cvThreshold * 100)}% -- the machine may be busy; run more trials or quiet the machine`,
        cell.id));
    }
    for (const [id, m] of Object.entries(cell.metrics ?? {})) {
      const idx = Array.isArray(m.outliers) ? m.outliers : [];
      if (idx.length === 0) continue;
      const vals = idx.map((i) => (typeof m.values[i] === 'number' ? num(m.values[i]) : '?')).join(', ');
      const unit = m.unit ? ` ${m.unit}` : '';
      out.push(finding('noise', 'info',
        `${id}: outlier trial ${idx.length === 1 ? 'index' : 'indices'} ${idx.join(', ')} (${vals}${unit}) flagged by the modified Z-score, kept in the mean`,
        cell.id));
    }
  }
  return out;
}
