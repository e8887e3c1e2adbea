// Per-request KV caches and feature stores, grown on demand: a 4096-token context allocated up
// front would cost every short request tens of megabytes of zeroed memory.

/** A [rows, width] float32 matrix whose capacity doubles as rows are needed, up to maxRows. */
export class RowBuffer {
  private buf: Float32Array;

  constructor(readonly width: number, readonly maxRows: number, initialRows = 256) {
    this.buf = new Float32Array(Math.min(maxRows, initialRows) * width);
  }

  /** the storage; a view is valid until the next ensure() */
  get data(): Float32Array { return this.buf; }

  get capacity(): number { return this.buf.length / this.width; }

  /** makes room for `rows` rows, keeping the contents */
  ensure(rows: number): void {
    if (rows <= this.capacity) return;
    if (rows > this.maxRows) throw new RangeError(`row buffer: ${rows} rows asked for, at most ${this.maxRows}`);
    const next = new Float32Array(Math.min(this.maxRows, Math.max(rows, 2 * this.capacity)) * this.width);
    next.set(this.buf);
    this.buf = next;
  }
}
