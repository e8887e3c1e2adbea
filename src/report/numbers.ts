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

/** The minimum detectable effect as a percentage, e.g. "4.2%"; '-' without a variance estimate. */
export function formatMde(c: { mde: number | null }): string {
  return c.mde === null ? '-' : `${(c.mde * 100).toFixed(1)}%`;
}
