// Progress for long jobs: a redrawn bar with ETA on a TTY, plain lines otherwise (CI logs).
// Kept by hand: cli-progress 3.12.0 (6 packages) can log above a MultiBar and print off a TTY, but
// there it redraws the whole bar on a timer (every 2 s, unchanged lines included, a blank line
// after each) where this writes one plain line per 10 s, and its timer must be stopped.
export class Progress {
  private readonly tty: boolean;
  private started = Date.now();
  private lastLine = 0;

  constructor(private readonly label: string, private readonly total: number, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  /** `counter` replaces "done/total" where the units need naming (run: "trial 2/3, cell 7/40"). */
  update(done: number, detail = '', counter = `${done}/${this.total}`): void {
    const frac = this.total ? Math.min(1, done / this.total) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = frac > 0 ? elapsed / frac - elapsed : NaN;
    const etaText = Number.isFinite(eta) ? formatDuration(eta) : '?';
    if (this.tty) {
      const width = 28, fill = Math.round(frac * width);
      this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${counter} ETA ${etaText} ${detail}`.slice(0, (this.stream.columns ?? 120) - 1).padEnd(Math.min(119, (this.stream.columns ?? 120) - 1)));
    } else if (done === this.total || Date.now() - this.lastLine > 10_000) {
      this.lastLine = Date.now();
      this.stream.write(`${this.label}: ${counter} (${(frac * 100).toFixed(0)}%, ETA ${etaText}) ${detail}\n`);
    }
  }

  /** a line that should stay visible above the bar */
  log(line: string): void {
    if (this.tty) this.stream.write(`\r\x1b[K${line}\n`); else this.stream.write(line + '\n');
  }

  done(): void {
    if (this.tty) this.stream.write('\n');
  }
}

/**
 * A run's position as "trial 2/3, cell 7/40": the bar fills with cell-trials (cells x trials),
 * but a bare "0/120" read as 120 cells. Cells count per trial (round) as they start; a trial past
 * the planned ones (--target-ci adds rounds) raises the total.
 */
export function runCounter(cells: number, trials: number): (cell: string, trial: number) => string {
  let current = 0;
  const started = new Set<string>();
  return (cell, trial) => {
    if (trial !== current) { current = trial; started.clear(); }
    started.add(cell);
    return `trial ${current}/${Math.max(trials, current)}, cell ${started.size}/${cells}`;
  };
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
