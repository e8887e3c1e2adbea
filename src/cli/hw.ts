import type { Command } from 'commander';

export function registerHw(program: Command): void {
  program
    .command('hw')
    .description('print the hardware fingerprint recorded with every result')
    .option('--json', 'print it as JSON')
    .addHelpText('after', `
Examples:
  prism-bench hw
  prism-bench hw --json > fingerprint.json`)
    .action(async (o: { json?: boolean }) => (await import('./actions/hw.ts')).hwAction(o));
}
