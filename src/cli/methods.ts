import type { Command } from 'commander';

export function registerMethods(program: Command): void {
  program
    .command('methods')
    .description('print which draft methods each engine offers, under the engine\'s own name')
    .option('--json', 'print the table as JSON (with the reason an engine lacks a method)')
    .option('--markdown', 'print the table in Markdown, as docs/engines.md shows it')
    .addHelpText('after', `
A cell is the engine's own name for the method: the reference engine's --draft, SGLang's
--speculative-algorithm, vLLM's speculative-config method, TensorRT-LLM's decoding_type.
A suite that asks an engine for a method it lacks is refused before anything launches.

Examples:
  prism-bench methods
  prism-bench methods --json`)
    .action(async (o: { json?: boolean; markdown?: boolean }) => (await import('./actions/methods.ts')).methodsAction(o));
}
