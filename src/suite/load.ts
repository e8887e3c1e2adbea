// Reads a suite file (YAML, or JSON for .json), validates it and applies defaults and, on request,
// the quick overrides. Also: the JSON form stored with results and a settings diff for audits.
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseDocument, type YAMLError } from 'yaml';
import { SuiteError, displayPath } from './errors.ts';
import { DEFAULT_SETTINGS, SETTINGS_KEYS, validateSuite } from './schema.ts';
import { applySelections, overrideSettings } from './overrides.ts';
import type { Suite, SuiteAsRun, SuiteOverrides } from './types.ts';
import { messageOf, errnoCode } from '../errors.ts';

export { SuiteError } from './errors.ts';

export interface LoadSuiteOptions {
  /** apply the suite's quick block (--quick) */
  quick?: boolean;
  /** run's command-line overrides, applied after quick (see overrides.ts) */
  overrides?: SuiteOverrides;
}

/** Loads and validates a suite file. Throws SuiteError (one-line message) on any mistake. */
export function loadSuite(file: string, opts: LoadSuiteOptions = {}): Suite {
  const abs = resolve(file);
  const shown = displayPath(abs);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') throw new SuiteError(shown, '(file)', 'no such file', 'check the path to the suite file, such as suites/default.yaml');
    if (code === 'EISDIR') throw new SuiteError(shown, '(file)', 'is a folder, not a suite file', 'name a .yaml or .json suite file inside it, such as suites/default.yaml');
    throw new SuiteError(shown, '(file)', `cannot read: ${messageOf(e)}`, 'check the file exists and is readable');
  }
  const doc = extname(abs).toLowerCase() === '.json' ? parseJson(text, shown) : parseYaml(text, shown);
  const suite = validateSuite(doc, { file: abs, dir: dirname(abs) }, { quick: opts.quick === true, overrides: overrideSettings(opts.overrides) });
  return applySelections(suite, opts.overrides);
}

const YAML_FIXES: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename the repeated key',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
};
const YAML_FIX = "fix the YAML: check indentation, ': ' after each key, '- ' before list items, and matching quotes and brackets";

function parseYaml(text: string, shown: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err: YAMLError | undefined = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : '(document)';
    const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:$/, '');
    const fix = YAML_FIXES[err.code] ?? YAML_FIX;
    throw new SuiteError(shown, where, `YAML syntax error: ${what}`, `${fix}${pos ? ` at line ${pos.line}` : ''}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new SuiteError(shown, '(document)', `YAML error: ${messageOf(e)}`, 'fix the YAML anchors/aliases (define &name before using *name)');
  }
}

function parseJson(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = messageOf(e);
    const loc = jsonErrorLocation(text);
    const where = loc ? `line ${loc.line}${loc.col ? `, column ${loc.col}` : ''}` : '(document)';
    throw new SuiteError(shown, where, `JSON syntax error: ${msg.replace(/ in JSON at position \d+.*$/, '')}`,
      'fix the JSON (double-quoted keys, commas between items, no trailing commas), or write the suite as .yaml');
  }
}

/** Line (and column when V8 reports a position) of the first JSON syntax error in text. */
function jsonErrorLocation(text: string): { line: number; col?: number } | undefined {
  const fullPos = /at position (\d+)/.exec(errorOf(text) ?? '');
  if (fullPos) {
    const before = text.slice(0, Number(fullPos[1]));
    return { line: before.split('\n').length, col: before.length - before.lastIndexOf('\n') };
  }
  // No position in the message: the first line whose prefix fails for a reason other than
  // "the input ended too early" holds the error.
  const lines = text.split('\n');
  for (let n = 1; n <= lines.length; n++) {
    const prefix = lines.slice(0, n).join('\n');
    const msg = errorOf(prefix);
    if (msg === undefined) continue;
    const pos = /at position (\d+)/.exec(msg);
    const atEnd = /end of JSON input/.test(msg) || (pos !== null && Number(pos[1]) >= prefix.trimEnd().length);
    if (!atEnd) return { line: n };
  }
  return { line: lines.length };
}

function errorOf(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return messageOf(e);
  }
}

/** The suite as it ran (defaults and, when applied, quick overrides in), as plain JSON data. */
export function suiteAsRun(suite: Suite): SuiteAsRun {
  const out: SuiteAsRun = {
    version: suite.version,
    name: suite.name,
    description: suite.description,
    file: displayPath(suite.file),
    quickApplied: suite.quickApplied,
    overrides: suite.overrides,
    engines: suite.engines,
    drafts: suite.drafts,
    datasets: suite.datasets,
    settings: suite.settings,
  };
  // why: JSON.parse gives no type; the round trip is the suite as the result file will hold it (undefined fields dropped)
  return JSON.parse(JSON.stringify(out)) as SuiteAsRun;
}

// temperature lists name the same cells whatever their order
const canonical = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? [...v].sort((p, q) => p - q) : v);
const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

/** Settings added after the first results were written: those results ran with these defaults. */
const LATER_SETTINGS: Readonly<Record<string, unknown>> = {
  engineLifetime: DEFAULT_SETTINGS.engineLifetime, engineCpus: DEFAULT_SETTINGS.engineCpus, interleave: DEFAULT_SETTINGS.interleave,
};

/**
 * Settings that differ between two suites-as-run, one line each, e.g. `maxNewTokens: 96 vs 32`.
 * Empty when every setting is identical (the runs are comparable). Also accepts Suite objects and
 * suites as results store them (settings absent: none recorded).
 */
export function suiteSettingsDiff(a: { settings?: Readonly<Record<string, unknown>> }, b: { settings?: Readonly<Record<string, unknown>> }): string[] {
  const [sa, sb] = [a.settings ?? {}, b.settings ?? {}];
  const keys = [...new Set([...SETTINGS_KEYS, ...Object.keys(sa), ...Object.keys(sb)])];
  const out: string[] = [];
  for (const k of keys) {
    // results written before a setting existed ran with its default
    const fill = (v: unknown) => (v === undefined ? LATER_SETTINGS[k] : v);
    const x = fill(sa[k]), y = fill(sb[k]);
    if (JSON.stringify(canonical(x)) !== JSON.stringify(canonical(y))) out.push(`${k}: ${show(x)} vs ${show(y)}`);
  }
  return out;
}
