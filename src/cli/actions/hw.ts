// `prism-bench hw`: what the command does, loaded only when it runs (../hw.ts registers it).
import { collectFingerprint } from '../../hardware/fingerprint.ts';
import { renderFingerprint } from '../../hardware/render.ts';

export async function hwAction(o: { json?: boolean }): Promise<void> {
  const fp = await collectFingerprint();
  process.stdout.write(o.json ? JSON.stringify(fp, null, 2) + '\n' : renderFingerprint(fp) + '\n');
}
