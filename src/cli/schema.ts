import type { Command } from 'commander';

/** Where the published schemas live in the repository, kept in sync with these by a test. */
export const SCHEMA_FILES = { suite: 'schemas/suite.schema.json', result: 'schemas/result.schema.json', profile: 'schemas/profile.schema.json' } as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a suite file, a result file or a cost profile (for editors and other tools)')
    .argument('<kind>', 'suite, result or profile')
    .addHelpText('after', `
The same schemas are committed as ${SCHEMA_FILES.suite} and ${SCHEMA_FILES.result}.
To have an editor (VS Code's YAML extension, or any yaml-language-server client) complete and
check a suite, start the suite file with
  # yaml-language-server: $schema=../schemas/suite.schema.json
(the path relative to the suite file), or point the editor's settings at the file.

Examples:
  prism-bench schema suite > suite.schema.json
  prism-bench schema result`)
    .action(async (kind: string) => (await import('./actions/schema.ts')).schemaAction(kind));
}
