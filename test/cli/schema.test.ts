// The published JSON Schemas (`prism-bench schema suite|result`, committed under schemas/) are
// generated from the zod schemas the loaders use, stay in sync with them, and accept what
// prism-bench accepts: the shipped suites and a real result file pass; a typo does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SCHEMA_FILES } from '../../src/cli/schema.ts';
import { schemaText } from '../../src/cli/actions/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
type Schema = Record<string, unknown>;

/** A small JSON Schema checker for the keywords the generated schemas use; returns the first error. */
function check(s: Schema, v: unknown, at = '$'): string | undefined {
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[]);
  const typeOk: Record<string, (x: unknown) => boolean> = {
    object: (x) => typeof x === 'object' && x !== null && !Array.isArray(x), array: Array.isArray, string: (x) => typeof x === 'string',
    number: (x) => typeof x === 'number', integer: (x) => Number.isInteger(x), boolean: (x) => typeof x === 'boolean', null: (x) => x === null,
  };
  if (types && !types.some((t) => typeOk[t]!(v))) return `${at}: not ${types.join(' or ')}`;
  if ('const' in s && s.const !== v) return `${at}: not ${JSON.stringify(s.const)}`;
  if (s.enum && !(s.enum as unknown[]).includes(v)) return `${at}: not one of ${JSON.stringify(s.enum)}`;
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) return `${at}: below ${s.minimum}`;
    if (typeof s.maximum === 'number' && v > s.maximum) return `${at}: above ${s.maximum}`;
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) return `${at}: not above ${s.exclusiveMinimum}`;
  }
  if (typeof v === 'string' && typeof s.minLength === 'number' && v.length < s.minLength) return `${at}: too short`;
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) return `${at}: too few items`;
    if (s.items) for (const [i, x] of v.entries()) { const e = check(s.items as Schema, x, `${at}[${i}]`); if (e) return e; }
  }
  if (typeOk.object!(v)) {
    const o = v as Record<string, unknown>;
    for (const k of (s.required as string[] | undefined) ?? []) if (!(k in o)) return `${at}.${k}: missing`;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [k, x] of Object.entries(o)) {
      if (props[k]) { const e = check(props[k]!, x, `${at}.${k}`); if (e) return e; }
      else if (s.additionalProperties === false) return `${at}.${k}: not allowed`;
      else if (typeof s.additionalProperties === 'object') { const e = check(s.additionalProperties as Schema, x, `${at}.${k}`); if (e) return e; }
    }
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (!s[key]) continue;
    const errs = (s[key] as Schema[]).map((b) => check(b, v, at));
    const ok = errs.filter((e) => e === undefined).length;
    if (key === 'oneOf' ? ok !== 1 : ok === 0) return errs.find((e) => e) ?? `${at}: ${key} matched ${ok}`;
  }
  return undefined;
}

const committed = (name: keyof typeof SCHEMA_FILES) => JSON.parse(readFileSync(join(ROOT, SCHEMA_FILES[name]), 'utf8')) as Schema;

describe('published schemas', () => {
  for (const name of ['suite', 'result', 'profile'] as const) {
    it(`${SCHEMA_FILES[name]} is what \`prism-bench schema ${name}\` prints (regenerate it with that command when this fails)`, () => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'schema', name], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, schemaText(name));
      assert.equal(readFileSync(join(ROOT, SCHEMA_FILES[name]), 'utf8'), r.stdout, `${SCHEMA_FILES[name]} is out of date: prism-bench schema ${name} > ${SCHEMA_FILES[name]}`);
    });
  }

  it('the suite schema accepts every shipped suite, each of which points editors at it', () => {
    const schema = committed('suite');
    const dir = join(ROOT, 'suites');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 3);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.match(text, /^# yaml-language-server: \$schema=\.\.\/schemas\/suite\.schema\.json$/m, `${f} names the schema`);
      assert.equal(check(schema, parse(text)), undefined, f);
    }
  });

  it('the suite schema rejects what the loader rejects: a misspelt key, an unknown method, an option the engine lacks, trials: 1e9', () => {
    const schema = committed('suite');
    const base = { engines: [{ name: 'reference' }], drafts: [{ method: 'vanilla' }] };
    assert.equal(check(schema, base), undefined);
    assert.match(check(schema, { ...base, setings: {} }) ?? '', /setings: not allowed/);
    assert.ok(check(schema, { ...base, drafts: [{ method: 'eagle4' }] }));
    assert.ok(check(schema, { ...base, drafts: [{ method: 'vanilla', ngramMin: 1 }] }));
    assert.ok(check(schema, { ...base, engines: [{ name: 'reference', options: { port: 1 } }] }));
    assert.match(check(schema, { ...base, settings: { trials: 1e9 } }) ?? '', /trials: above 1000/);
    assert.match(check(schema, { ...base, settings: { topP: 0 } }) ?? '', /topP: not above 0/);
  });

  it('the result schema accepts a real result file and rejects a broken one', () => {
    const schema = committed('result');
    const result = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'results', 'small.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(check(schema, result), undefined);
    assert.match(check(schema, { ...result, cells: 'none' }) ?? '', /cells: not array/);
  });
});
