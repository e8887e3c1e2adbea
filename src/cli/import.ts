import type { Command } from 'commander';
import { IMPORT_FORMATS } from '../importers/types.ts';
import type { ImportFlags } from './actions/import.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('turn EAGLE, Spec-Bench or PRISM-artifact output files into a prism-bench result directory (then report, compare and gate work on it)')
    .argument('<files...>', 'the method\'s output files; FILE:FIRST-LAST[,...] takes only those lines (e.g. one drafter\'s runs in a PRISM-artifact log)')
    .requiredOption('--from <tool>', `the tool that wrote the files: ${IMPORT_FORMATS.join(', ')}`)
    .requiredOption('--out <dir>', 'result directory to create (result.json, and requests.jsonl where the tool wrote per-question data)')
    .option('--baseline <file>', 'the same tool\'s run without speculation (vanilla), for speedup; repeat for several files or runs', collect)
    .option('--draft <name>', 'name of the method in FILES (default: the model_id in the file, or the file name; a PRISM-artifact CSV names its drafts in its algorithm column)')
    .option('--dataset <name>', 'dataset of every file (default: from the file: its folder, category or question_file)')
    .option('--temperature <t>', 'sampling temperature of every file (default: from the file: its name, model_id or temperature field)')
    .addHelpText('after', `
Each metric in the result says what it counts and whether the tool measured it or prism-bench
derived it from the tool's fields; result.json's "import" field lists the files (with sha256) and
the metrics the tool's files cannot give. Trials: every file (or log line, for prism-ae) of the
same draft, dataset and temperature is one trial, in the order given.

Examples:
  prism-bench import --from eagle mt_bench/ess-llama3-temperature-0.0.jsonl \\
      --baseline mt_bench/llama3-base-temperature-0.0.jsonl --out results/eagle-mt
  prism-bench import --from spec-bench \\
      run_1/vicuna-7b-v1.3-eagle-float16-temperature-0.0.jsonl \\
      run_2/vicuna-7b-v1.3-eagle-float16-temperature-0.0.jsonl \\
      --baseline run_1/vicuna-7b-v1.3-vanilla-float16-temp-0.0-temperature-0.0.jsonl \\
      --baseline run_2/vicuna-7b-v1.3-vanilla-float16-temp-0.0-temperature-0.0.jsonl \\
      --out results/specbench-eagle
  prism-bench import --from prism-ae results_temp_1.0.jsonl:1-6 --draft prism \\
      --baseline results_temp_1.0.jsonl:7-18 --out results/prism-ae
  prism-bench import --from prism-ae e2e_llama3.csv --out results/table4
      (the table4 CSV: algorithm NONE rows are the baseline)
  prism-bench report results/prism-ae --format md

Exit codes: 0 imported; 2 an input cannot be read or is not in the tool's format (the message
names file, line and field).`)
    .action(async (files: string[], o: ImportFlags) => (await import('./actions/import.ts')).importAction(files, o));
}
