import type { Command } from 'commander';

export function registerProject(program: Command): void {
  program
    .command('project')
    .description('project a result\'s speedups onto a cost profile: predicted tokens per cycle, cycle time and speedup over vanilla per cell, from its measured per-position acceptance (imported results too)')
    .argument('<result>', 'a result directory or result.json (a run, a merge or an import)')
    .requiredOption('--profile <file...>', 'cost profiles (prism-bench profile, or scripts/gpu-profile.py); with several, the depth advice shows them side by side')
    .option('--format <fmt>', 'table | markdown | json', 'table')
    .option('--context <tokens>', 'KV-cache length to read the profile\'s verify curve at (default 256)')
    .option('--prompt-tokens <n>', 'prompt length whose prefill (from the profile) is charged once per request (default 128)')
    .option('--cycle-ms <ms|measured>', 'per-cycle cost outside the engine\'s passes to add (streaming, HTTP): a number, or measured (the vanilla cell\'s TPOT less its verify ms; same-machine profiles only)')
    .option('--anchor', 'scale the profile\'s costs so its 1-token pass equals the run\'s vanilla verify ms per cycle (a profile of the same machine taken at another moment)')
    .option('--shape <SxKxN>', 'draft shape for results that do not record one (imports): steps x top-k x verified tokens as SGLang counts them, e.g. 6x4x16')
    .option('--request-ms <ms|measured>', 'fixed ms per request outside decode cycles instead: a number, 0 (decode only), or measured (the vanilla cell\'s TTFT; only against a profile of the machine that ran the result)')
    .addHelpText('after', `
Examples:
  prism-bench project results/2026-12-05-paper --profile profiles/h200-llama-3.1-8b.json
  prism-bench project imported/eagle --profile profiles/this-machine.json --format markdown
  prism-bench project results/RUN --profile here.json profiles/h200-llama-3.1-8b.json

A projection is labelled "projected (profile NAME)" wherever it appears;
the model: docs/projection.md.`)
    .action(async (result: string, o: Record<string, string | string[] | boolean | undefined>) => (await import('./actions/project.ts')).projectAction(result, o));
}
