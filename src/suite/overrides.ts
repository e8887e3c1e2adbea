// `run`'s command-line overrides of a suite: --prompts, --trials, --seed, --max-new-tokens and
// --temperatures set a setting (checked by the suite schema's own field rules, so a flag gets the
// message the suite key would, naming the flag), and --drafts, --datasets and --engines keep only
// the named entries of the suite's lists. The settings go into validation (after --quick); the
// selections apply to the validated suite, whose names are then final.
import type { z } from 'zod';
import { PrismInputError } from '../errors.ts';
import { closest, describe } from './errors.ts';
import { OVERRIDE_FLAGS, SETTING_SCHEMAS, firstProblem } from './schema.ts';
import type { Settings, Suite, SuiteOverrides } from './types.ts';

/** The flags as commander hands them over: text, or absent. */
export interface OverrideFlags {
  prompts?: string;
  trials?: string;
  seed?: string;
  maxNewTokens?: string;
  temperatures?: string;
  drafts?: string;
  datasets?: string;
  engines?: string;
}

export const SELECTION_FLAGS = { drafts: '--drafts', datasets: '--datasets', engines: '--engines' } as const;

/** A bad override: one line, `--flag: problem -- fix`, exit 2. */
export class OverrideError extends PrismInputError {
  constructor(flag: string, problem: string, fix: string) {
    super(`${flag}: ${problem} -- ${fix}`);
    this.name = 'OverrideError';
  }
}

// a number-looking word is checked as the number, anything else as the text, so "--trials x"
// reads `got "x" (a string)` as the suite file's message would
const numeric = (w: string): unknown => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(w.trim()) ? Number(w) : w);

/** The value as the suite key's schema reads it; a mistake is its message with the flag for the key. */
function checked<S extends z.ZodType>(schema: S, flag: string, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const p = firstProblem(schema, r.error, value, flag);
  throw new OverrideError(p.path, p.problem, p.fix);
}

function names(flag: string, text: string): string[] {
  const xs = text.split(',').map((w) => w.trim());
  if (xs.some((w) => w === '')) throw new OverrideError(flag, `expected a comma-separated list of names, got ${describe(text)}`, `write ${flag} as names such as vanilla,ngram (no empty entries)`);
  return [...new Set(xs)];
}

/** The overrides the flags ask for, each checked alone; undefined when no override flag was given. */
export function parseOverrideFlags(flags: OverrideFlags): SuiteOverrides | undefined {
  const out: SuiteOverrides = {};
  if (flags.prompts !== undefined) out.prompts = checked(SETTING_SCHEMAS.prompts, OVERRIDE_FLAGS.prompts, numeric(flags.prompts));
  if (flags.trials !== undefined) out.trials = checked(SETTING_SCHEMAS.trials, OVERRIDE_FLAGS.trials, numeric(flags.trials));
  if (flags.seed !== undefined) out.seed = checked(SETTING_SCHEMAS.seed, OVERRIDE_FLAGS.seed, numeric(flags.seed));
  if (flags.maxNewTokens !== undefined) out.maxNewTokens = checked(SETTING_SCHEMAS.maxNewTokens, OVERRIDE_FLAGS.maxNewTokens, numeric(flags.maxNewTokens));
  if (flags.temperatures !== undefined) {
    const ts = checked(SETTING_SCHEMAS.temperatures, OVERRIDE_FLAGS.temperatures, flags.temperatures.split(',').map(numeric));
    ts.forEach((t, i) => {
      const first = ts.indexOf(t);
      if (first !== i) throw new OverrideError(`${OVERRIDE_FLAGS.temperatures}[${i}]`, `duplicate temperature ${t} (same as ${OVERRIDE_FLAGS.temperatures}[${first}])`, `remove the repeated ${t}`);
    });
    out.temperatures = ts;
  }
  for (const key of ['drafts', 'datasets', 'engines'] as const) {
    const v = flags[key];
    if (v !== undefined) out[key] = names(SELECTION_FLAGS[key], v);
  }
  return Object.keys(out).length ? out : undefined;
}

/** The settings part of the overrides, for validateSuite. */
export function overrideSettings(o: SuiteOverrides | undefined): Partial<Settings> {
  if (!o) return {};
  const { drafts: _d, datasets: _s, engines: _e, ...settings } = o;
  return settings;
}

/** Keeps the entries of `xs` that `wanted` names; an unknown name is an OverrideError listing the valid ones. */
function pick<T>(flag: string, what: string, xs: readonly T[], wanted: readonly string[], namesOf: (x: T) => readonly string[]): T[] {
  const valid = [...new Set(xs.flatMap(namesOf))];
  for (const w of wanted) {
    if (valid.includes(w)) continue;
    const guess = closest(w, valid);
    throw new OverrideError(flag, `the suite has no ${what} ${JSON.stringify(w)}`, `${guess ? `did you mean ${guess}? ` : ''}the suite's ${what}s are: ${valid.join(', ')}`);
  }
  return xs.filter((x) => namesOf(x).some((n) => wanted.includes(n)));
}

/**
 * The suite with only the drafts, datasets and engines the overrides name (in the suite's order),
 * and the overrides recorded on it. An engine is named by its label, or by its adapter (all of them).
 */
export function applySelections(suite: Suite, o: SuiteOverrides | undefined): Suite {
  if (!o) return suite;
  return {
    ...suite,
    drafts: o.drafts ? pick(SELECTION_FLAGS.drafts, 'draft', suite.drafts, o.drafts, (d) => [d.name]) : suite.drafts,
    datasets: o.datasets ? pick(SELECTION_FLAGS.datasets, 'dataset', suite.datasets, o.datasets, (d) => [d.name]) : suite.datasets,
    engines: o.engines ? pick(SELECTION_FLAGS.engines, 'engine', suite.engines, o.engines, (e) => [e.label ?? e.name, e.name]) : suite.engines,
    overrides: o,
  };
}
