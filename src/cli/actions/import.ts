// `prism-bench import`, loaded only when it runs (../import.ts registers it).
import { importFiles, isImportFormat, parseInput, writeImport } from '../../importers/index.ts';
import { importSummary } from '../../importers/summary.ts';
import { IMPORT_FORMATS } from '../../importers/types.ts';
import { UsageError } from '../errors.ts';
import { numberOption } from '../options.ts';

export interface ImportFlags { from: string; out: string; baseline?: string[]; draft?: string; dataset?: string; temperature?: string }

export function importAction(files: string[], o: ImportFlags): void {
  if (!isImportFormat(o.from)) throw new UsageError(`--from: unknown tool '${o.from}'; use one of ${IMPORT_FORMATS.join(', ')}`);
  const temperature = o.temperature === undefined ? undefined : numberOption('--temperature', o.temperature, 0, 100);
  const { result, records } = importFiles({
    format: o.from,
    inputs: files.map(parseInput),
    baselines: (o.baseline ?? []).map(parseInput),
    draft: o.draft,
    dataset: o.dataset,
    temperature,
  });
  const path = writeImport(o.out, result, records);
  process.stdout.write(importSummary(result, path));
}
