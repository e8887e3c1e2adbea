import { UsageError } from './errors.ts';

export function intOption(flag: string, value: unknown, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got '${String(value)}'`);
  return n;
}

export function numberOption(flag: string, value: unknown, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag}: expected a number from ${min} to ${max}, got '${String(value)}'`);
  return n;
}

/** Colour only on a TTY and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

/** The widest help may print: the terminal's width up to 100 columns; 100 off a terminal. */
export const HELP_WIDTH = 100;

export function helpWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const cols = stream.isTTY ? stream.columns : undefined;
  return typeof cols === 'number' && cols > 0 ? Math.min(cols, HELP_WIDTH) : HELP_WIDTH;
}
