// Reading the JSON-lines files every supported tool writes: blank lines skipped, each line
// parsed and checked against a zod schema, errors as one line naming file, line, field and fix.
import type { z } from 'zod';
import { ImportError, type ImportInput } from './types.ts';
import { messageOf } from '../errors.ts';

export interface JsonLine<T> {
  /** 1-based line number in the file */
  line: number;
  value: T;
}

const pathText = (segs: readonly PropertyKey[]): string =>
  segs.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), '') || '(the line)';

function selected(input: ImportInput, line: number): boolean {
  return input.lines === undefined || input.lines.some(([a, b]) => line >= a && line <= b);
}

/**
 * The selected non-blank lines of `text`, each validated by `schema`. `fix` ends every error:
 * what the user should do (e.g. which tool writes this format).
 */
export function readJsonLines<S extends z.ZodType>(input: ImportInput, text: string, schema: S, fix: string): Array<JsonLine<z.infer<S>>> {
  const out: Array<JsonLine<z.infer<S>>> = [];
  const lines = text.split(/\r?\n/);
  // a final newline ends the last line; it does not start another
  const count = lines.at(-1) === '' ? lines.length - 1 : lines.length;
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || !selected(input, line)) return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      throw new ImportError(`${input.path}:${line}: not valid JSON (${messageOf(e).split('\n')[0]}) -- ${fix}`);
    }
    const r = schema.safeParse(data);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new ImportError(`${input.path}:${line}: ${pathText(issue.path)}: ${issue.message} -- ${fix}`);
    }
    out.push({ line, value: r.data });
  });
  if (out.length === 0) {
    const which = input.lines ? `no non-blank line in the selected lines ${input.lines.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')} (the file has ${count} lines)` : 'the file has no data lines';
    throw new ImportError(`${input.path}: ${which} -- ${fix}`);
  }
  const last = Math.max(...(input.lines ?? []).map(([, b]) => b));
  if (input.lines && last > count) {
    throw new ImportError(`${input.path}: line selection goes to line ${last} but the file has ${count} lines -- select lines that exist`);
  }
  return out;
}

/** A temperature written into a file or model id the way EAGLE and Spec-Bench name them ("...-temperature-0.0", "...-temp-0.0"). */
export function temperatureFromName(name: string): number | undefined {
  const all = [...name.matchAll(/temp(?:erature)?[-_]?(\d+(?:\.\d+)?)/gi)];
  const m = all.at(-1);
  return m ? Number(m[1]) : undefined;
}
