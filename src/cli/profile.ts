import type { Command } from 'commander';

export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('measure what drafting costs on this machine (target pass against tokens and context, draft step against rows, per-cycle overheads) and write a cost profile')
    .option('--engine <name>', 'reference (measured in process from the engine\'s own timers) | sglang | vllm | trtllm (--dry-run only: the launches with each engine\'s synthetic-acceptance knob)', 'reference')
    .option('--out <file>', 'where to write the profile (default profiles/<name>.json)')
    .option('--name <name>', 'the profile\'s name, as reports label projections: "projected (profile NAME)" (default: reference-<host>)')
    .option('--drafts <list>', 'reference engine: draft methods to time, comma-separated (default: every one)')
    .option('--quick', 'fewer points and repetitions (about a minute here)')
    .option('--threads <n>', 'reference engine: onnxruntime intra-op threads of the target (default 1, as serve)')
    .option('--dry-run', 'print what would be measured and, for GPU engines, the server launches with their synthetic-acceptance settings; launch nothing')
    .addHelpText('after', `
Examples:
  prism-bench profile --out profiles/this-machine.json
  prism-bench profile --drafts eagle3,prism --quick
  prism-bench profile --engine sglang --dry-run      # SGLANG_SIMULATE_ACC_LEN launches
  prism-bench project results/run/result.json --profile profiles/this-machine.json

The format is docs/profile-format.md; the speedup model that reads it, docs/projection.md.`)
    .action(async (o: Record<string, string | boolean | undefined>) => (await import('./actions/profile.ts')).profileAction(o));
}
