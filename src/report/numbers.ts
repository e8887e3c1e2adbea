// The formatting leaf: numbers, p-values, percentages and ratios as reports print them. It
// imports nothing from the project, so any layer may use it (the gate's one-line verdicts do)
// without depending on the reports (scripts/check-imports.mjs holds every module to that).

/** Decimal places per unit; units not listed get DEFAULT_DIGITS. */
export const UNIT_DIGITS: Readonly<Record<string, number>> = {
  'tok/s': 1,
  x: 2,
  'tok/cycle': 2,
  ratio: 3,
  ms: 2,
};
export const DEFAULT_DIGITS = 2;

/** Printed where a value is missing (metric not reported, cell failed or pending). */
export const MISSING = '-';

export function digitsFor(unit: string | undefined): number {
  return unit !== undefined && Object.hasOwn(UNIT_DIGITS, unit) ? UNIT_DIGITS[unit] : DEFAULT_DIGITS;
}

/** Fixed-point with `digits` decimals; MISSING for absent or non-finite numbers. */
export function formatNumber(x: number | null | undefined, digits: number): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return MISSING;
  const s = x.toFixed(digits);
  // never print "-0.00"
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** p-values: three decimals, "<0.001" below that, MISSING when absent. */
export function formatP(p: number | null | undefined): string {
  if (typeof p !== 'number' || !Number.isFinite(p)) return MISSING;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function formatPercent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** A ratio head/base with its interval, e.g. "0.800x [0.781, 0.820]"; '-' without a ratio. */
export function formatRatio(c: { ratio: number | null; ratioInterval: { low: number; high: number } | null }): string {
  if (c.ratio === null) return '-';
  const r = `${formatNumber(c.ratio, 3)}x`;
  return c.ratioInterval ? `${r} [${formatNumber(c.ratioInterval.low, 3)}, ${formatNumber(c.ratioInterval.high, 3)}]` : r;
}

/** The relative change and which way it goes for this metric, e.g. "20.0% worse", "3.1% better". */
export function formatChange(c: { change: number | null }): string {
  if (c.change === null) return '-';
  const pct = Math.abs(c.change * 100);
  if (pct < 0.05) return '0.0%';
  return `${pct.toFixed(1)}% ${c.change > 0 ? 'worse' : 'better'}`;
}

/** An MDE above this (a change of more than 100%) means the data cannot detect a change at all. */
export const MDE_LIMIT = 1;
export const NOT_DETECTABLE = 'not detectable with this data';

/** The minimum detectable effect as a percentage, e.g. "4.2%"; NOT_DETECTABLE above 100%; '-' without a variance estimate. */
export function formatMde(c: { mde: number | null }): string {
  if (c.mde === null) return '-';
  // why: "215363.5%" is no effect anyone could detect; a throughput cannot even fall by more than 100%
  return c.mde > MDE_LIMIT ? NOT_DETECTABLE : `${(c.mde * 100).toFixed(1)}%`;
}

/**
 * An interval after its estimate: "± h" where the interval is symmetric about the estimate as
 * printed by `fmt` (a linear t interval), else "[low, high]" (log-scale, bootstrap and ratio
 * intervals are not symmetric, and half their width would misplace both bounds). Never a ± that
 * reaches below 0 from a positive estimate: that reads as a negative throughput or speedup.
 */
export function intervalText(estimate: number, iv: { low: number; high: number }, fmt: (x: number) => string): string {
  const below = fmt(estimate - iv.low), above = fmt(iv.high - estimate);
  const symmetric = below === above && !(iv.low < 0 && estimate > 0);
  return symmetric ? `± ${above}` : `[${fmt(iv.low)}, ${fmt(iv.high)}]`;
}

/** "mean [low, high]" or "mean ± h" (see intervalText) with `digits` decimals; the plain mean without a finite interval. */
export function formatInterval(mean: number | null | undefined, iv: { low: number; high: number } | null | undefined, digits: number): string {
  if (typeof mean !== 'number' || !Number.isFinite(mean)) return MISSING;
  const m = formatNumber(mean, digits);
  if (!iv || !Number.isFinite(iv.low) || !Number.isFinite(iv.high)) return m;
  return `${m} ${intervalText(mean, iv, (x) => formatNumber(x, digits))}`;
}
