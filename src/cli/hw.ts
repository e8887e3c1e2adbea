import type { Command } from 'commander';
import { collectFingerprint } from '../hardware/fingerprint.ts';
import { renderFingerprint } from '../hardware/render.ts';

export function registerHw(program: Command): void {
  program
    .command('hw')
    .description('print the hardware fingerprint recorded with every result')
    .option('--json', 'print it as JSON')
    .addHelpText('after', `
Examples:
  prism-bench hw
  prism-bench hw --json > fingerprint.json`)
    .action(async (o: { json?: boolean }) => {
      const fp = await collectFingerprint();
      process.stdout.write(o.json ? JSON.stringify(fp, null, 2) + '\n' : renderFingerprint(fp) + '\n');
    });
}
