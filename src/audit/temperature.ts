// Temperature check: a cell sampled at T>0 whose every output equals the greedy (T=0) output of the
// same engine, draft, dataset, prompt, turn and trial almost surely never sampled: the engine or
// the client dropped the temperature (the PRISM artifact's MT-bench path did exactly this).
import type { AuditFinding, ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { compareOutputs, finding, isGreedy, recordsByCell } from './common.ts';

const skipped = (why: string) => `temperature check skipped: ${why}`;

export function checkTemperature(result: ResultFile, records: readonly RequestRecord[]): AuditFinding[] {
  const hot = result.cells.filter((c) => !isGreedy(c.temperature) && c.status === 'ok');
  if (hot.length === 0) return [];
  const greedy = result.cells.filter((c) => isGreedy(c.temperature));
  if (greedy.length === 0) {
    return [finding('temperature', 'info', skipped('the suite has no T=0 cell to compare the T>0 outputs with (add 0 to temperatures to enable it)'))];
  }
  const recs = recordsByCell(result, records);
  const out: AuditFinding[] = [];
  for (const cell of hot) {
    const t = cell.temperature;
    const twin = greedy.find((g) => g.engine === cell.engine && g.draft === cell.draft && g.dataset === cell.dataset);
    if (!twin) {
      out.push(finding('temperature', 'info', skipped('no T=0 cell of the same engine, draft and dataset'), cell.id));
      continue;
    }
    const own = recs.get(cell.id) ?? [];
    const ref = recs.get(twin.id) ?? [];
    if (own.length === 0 || ref.length === 0) {
      out.push(finding('temperature', 'info', skipped(`no request records for ${own.length === 0 ? 'this cell' : twin.id}`), cell.id));
      continue;
    }
    const cmp = compareOutputs(own, ref);
    if (cmp.compared === 0) {
      out.push(finding('temperature', 'info', skipped(`no request shares a prompt and turn with ${twin.id}`), cell.id));
    } else if (cmp.equal === cmp.compared) {
      out.push(finding('temperature', 'error',
        `temperature ${t} looks ignored: all ${cmp.compared} outputs equal the T=0 outputs of ${twin.id} -- the engine or client decoded greedily`,
        cell.id));
    } else {
      out.push(finding('temperature', 'info', `temperature ${t} took effect: ${cmp.compared - cmp.equal}/${cmp.compared} outputs differ from the T=0 outputs`, cell.id));
    }
  }
  return out;
}
