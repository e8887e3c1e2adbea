// `prism-bench methods`, loaded only when it runs (../methods.ts registers it).
import { methodTable, methodTableMarkdown, methodTableText } from '../../engines/methods.ts';
import { UsageError } from '../errors.ts';

export function methodsAction(o: { json?: boolean; markdown?: boolean }): void {
  if (o.json && o.markdown) throw new UsageError('methods: --json and --markdown: choose one');
  const rows = methodTable();
  process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : o.markdown ? methodTableMarkdown(rows) : methodTableText(rows));
}
