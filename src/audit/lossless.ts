// Lossless check: at T=0 speculative decoding must reproduce the target's greedy output token for
// token, so every request of a draft cell is compared (by output hash) with the same prompt and
// turn of the vanilla cell of the same engine, dataset and temperature.
import type { AuditFinding, Cell, ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { compareOutputs, finding, isGreedy, percent, promptList, recordsByCell } from './common.ts';

const cantRun = (why: string) => `lossless check could not run: ${why}`;

export function checkLossless(result: ResultFile, records: readonly RequestRecord[]): AuditFinding[] {
  const greedy = result.cells.filter((c) => isGreedy(c.temperature));
  const drafts = greedy.filter((c) => c.method !== 'vanilla' && c.status === 'ok');
  if (drafts.length === 0) return [];
  const vanillas = greedy.filter((c) => c.method === 'vanilla');
  if (vanillas.length === 0) {
    return [finding('lossless', 'warning', cantRun(`no vanilla cell at T=0 to compare the ${drafts.length} draft cell${drafts.length === 1 ? '' : 's'} with -- add a vanilla draft to the suite`))];
  }
  const recs = recordsByCell(result, records);
  const out: AuditFinding[] = [];
  for (const cell of drafts) {
    const candidates = vanillas.filter((v) => v.engine === cell.engine && v.dataset === cell.dataset);
    if (candidates.length === 0) {
      out.push(finding('lossless', 'warning', cantRun(`no vanilla cell of engine ${cell.engine}, dataset ${cell.dataset} at T=0`), cell.id));
      continue;
    }
    // the first vanilla cell (in result order) that has records; else the first, to name it
    const vanilla: Cell = candidates.find((v) => (recs.get(v.id) ?? []).length > 0) ?? candidates[0];
    const ref = recs.get(vanilla.id) ?? [];
    const own = recs.get(cell.id) ?? [];
    if (ref.length === 0) {
      out.push(finding('lossless', 'warning', cantRun(`vanilla cell ${vanilla.id} has no request records (status ${vanilla.status})`), cell.id));
      continue;
    }
    if (own.length === 0) {
      out.push(finding('lossless', 'warning', cantRun('this cell has no request records'), cell.id));
      continue;
    }
    const cmp = compareOutputs(own, ref);
    const unmatched = cmp.unmatched.length > 0
      ? `; ${cmp.unmatched.length} request${cmp.unmatched.length === 1 ? '' : 's'} had no vanilla counterpart (${promptList(cmp.unmatched)})`
      : '';
    if (cmp.compared === 0) {
      out.push(finding('lossless', 'warning', cantRun(`none of the ${own.length} requests has a vanilla request with the same prompt and turn in ${vanilla.id}`), cell.id));
    } else if (cmp.equal === cmp.compared) {
      out.push(finding('lossless', 'info', `lossless: ${cmp.equal}/${cmp.compared} outputs identical to vanilla${unmatched}`, cell.id));
    } else {
      const differ = cmp.compared - cmp.equal;
      out.push(finding('lossless', 'error',
        `not lossless at T=0: ${cmp.equal}/${cmp.compared} outputs (${percent(cmp.equal / cmp.compared)}) identical to vanilla's, ${differ} differ; first differing prompts: ${promptList(cmp.differing)}${unmatched}`,
        cell.id));
    }
  }
  return out;
}
