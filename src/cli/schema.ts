import type { Command } from 'commander';
import { z } from 'zod';
import { suiteSchema } from '../suite/schema.ts';
import { ADAPTERS } from '../engines/index.ts';
import { RESULT_SCHEMA } from '../result/schema.ts';
import { UsageError } from './errors.ts';

/** Where the published schemas live in the repository, kept in sync with these by a test. */
export const SCHEMA_FILES = { suite: 'schemas/suite.schema.json', result: 'schemas/result.schema.json' } as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

/**
 * The JSON Schema of a suite file or a result file, from the same zod schemas the loaders use
 * (a suite's engine options from each adapter's declaration). Rules JSON Schema cannot state
 * (unique names, ngramMax >= ngramMin, files present, context length) are checked on load.
 */
export function jsonSchema(name: SchemaName): Record<string, unknown> {
  const schema = name === 'suite'
    ? suiteSchema(Object.fromEntries(Object.entries(ADAPTERS).map(([k, a]) => [k, a.accepts.options])))
    : RESULT_SCHEMA;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export const schemaText = (name: SchemaName) => `${JSON.stringify(jsonSchema(name), null, 2)}\n`;

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a suite file or a result file (for editors and other tools)')
    .argument('<kind>', 'suite or result')
    .addHelpText('after', `
The same schemas are committed as ${SCHEMA_FILES.suite} and ${SCHEMA_FILES.result}. To have an
editor (VS Code's YAML extension, or any yaml-language-server client) complete and check a suite,
start the suite file with
  # yaml-language-server: $schema=../schemas/suite.schema.json
(the path relative to the suite file), or point the editor's settings at the file.

Examples:
  prism-bench schema suite > suite.schema.json
  prism-bench schema result`)
    .action((kind: string) => {
      if (kind !== 'suite' && kind !== 'result') throw new UsageError(`schema: unknown kind '${kind}' -- use suite or result`);
      process.stdout.write(schemaText(kind));
    });
}
