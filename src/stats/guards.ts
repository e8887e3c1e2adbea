// Input checks shared by the stats module. Benchmark samples are small arrays of plain numbers;
// a NaN or Infinity in them is always an upstream bug, so we fail loudly instead of letting it
// propagate into a report as "NaN%".

export function assertSample(fn: string, values: readonly number[], minN = 1): void {
  if (!Array.isArray(values)) throw new TypeError(`${fn}: expected an array of numbers`);
  if (values.length < minN) throw new RangeError(`${fn}: need at least ${minN} value(s), got ${values.length}`);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${fn}: value at index ${i} is not a finite number (${String(v)})`);
  }
}

export function assertLevel(fn: string, level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${fn}: level must be in (0, 1), got ${level}`);
}
