// Attach check: a run against a server the harness did not launch (run --base-url) can verify
// only what the server's info endpoints report. Each setting it could not verify, as listed when
// attaching (src/runner/attach.ts), is a warning; an info finding names the server.
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import { finding } from './common.ts';

export function checkAttach(result: ResultFile): AuditFinding[] {
  const a = result.options?.attach;
  if (!a) return [];
  const model = typeof a.server.model === 'string' ? `, model ${a.server.model}` : '';
  return [
    finding('attach', 'info', `attached to ${a.baseUrl} (kind ${a.kind}${model}): nothing was launched; draft ${a.draft} as named by ${a.draftFrom === 'flag' ? '--draft-label' : a.draftFrom === 'suite' ? "the suite's only fitting draft" : "the server's info"}`),
    ...a.unverified.map((line) => finding('attach', 'warning', line)),
  ];
}
