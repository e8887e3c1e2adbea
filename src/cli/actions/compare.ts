// `prism-bench compare`, loaded only when it runs (../compare.ts registers it).
import { writeFileAtomic } from '../../result/store.ts';
import { renderCompareHtml } from '../../report/compare-html.ts';
import { loadComparable } from '../../gate/comparable.ts';
import { compareRuns } from '../../gate/compare.ts';
import { renderCompareText } from '../../report/compare-text.ts';
import { EXIT, UsageError } from '../errors.ts';
import { numberOption, useColor } from '../options.ts';
import { comparisonSides, parseMetricList, refuseSameRun } from './gate.ts';

export interface CompareFlags { json?: boolean; maxRegression: string; alpha: string; metrics?: string; pair?: string; html?: string }

/** A usage error, where an expression needs one. */
const usage = (message: string): never => {
  throw new UsageError(message);
};

export function compareAction(a: string, b: string | undefined, o: CompareFlags): void {
  const maxRegression = numberOption('--max-regression', o.maxRegression, 0, 1000);
  const alpha = numberOption('--alpha', o.alpha, Number.MIN_VALUE, 0.5);
  if ((b === undefined) === (o.pair === undefined)) throw new UsageError('compare: give two runs A B, or one run A with --pair BASE:HEAD');
  const { base, head, paired } = o.pair !== undefined ? comparisonSides(a, { pair: o.pair }, 'compare')
    : b !== undefined ? { base: loadComparable(a), head: loadComparable(b), paired: false }
    : usage('compare: give two runs A B, or one run A with --pair BASE:HEAD');
  if (!paired && b !== undefined) refuseSameRun('compare', a, b, base, head);
  const metrics = o.metrics === undefined ? undefined : parseMetricList(o.metrics, [base, head]);
  const report = compareRuns(base, head, { maxRegression, alpha, metrics, paired });
  if (o.html) { writeFileAtomic(o.html, renderCompareHtml(report)); console.error(`wrote ${o.html}`); }
  process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderCompareText(report, { color: useColor() }));
  // too few trials: no verdict could be other than 'same', which is no comparison either
  process.exitCode = report.comparable && report.judgeable ? EXIT.ok : EXIT.usage;
}
