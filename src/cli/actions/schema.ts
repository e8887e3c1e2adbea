// `prism-bench schema`, loaded only when it runs (../schema.ts registers it): the schemas
// themselves, built from the zod schemas the loaders use.
import { z } from 'zod';
import { suiteSchema } from '../../suite/schema.ts';
import { ADAPTERS } from '../../engines/index.ts';
import { RESULT_SCHEMA } from '../../result/schema.ts';
import { PROFILE_SCHEMA } from '../../profile/schema.ts';
import { UsageError } from '../errors.ts';
import type { SchemaName } from '../schema.ts';

/**
 * The JSON Schema of a suite file or a result file, from the same zod schemas the loaders use
 * (a suite's engine options from each adapter's declaration). Rules JSON Schema cannot state
 * (unique names, ngramMax >= ngramMin, files present, context length) are checked on load.
 */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const schema = name === 'suite'
    ? suiteSchema(Object.fromEntries(Object.entries(ADAPTERS).map(([k, a]) => [k, a.accepts.options])))
    : name === 'profile' ? PROFILE_SCHEMA : RESULT_SCHEMA;
  // why: zod types its JSON Schema output loosely; callers read it as plain JSON
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export const schemaText = (name: SchemaName) => `${JSON.stringify(jsonSchema(name), null, 2)}\n`;

export function schemaAction(kind: string): void {
  if (kind !== 'suite' && kind !== 'result' && kind !== 'profile') throw new UsageError(`schema: unknown kind '${kind}' -- use suite, result or profile`);
  process.stdout.write(schemaText(kind));
}
