// HTML page of a comparison (compare --html, gate --html): the ratio head/base with its 95%
// interval per cell and metric, the suite-level verdict per metric, and what made the two runs
// not comparable. Same self-contained page as the run report (html-page.ts).
import { notJudgeableLine, type CompareReport, type MetricComparison } from '../gate/compare.ts';
import { ruleText, suiteLine } from './compare-text.ts';
import { formatChange, formatMde, formatP, formatRatio } from './numbers.ts';
import type { Chart } from './charts.ts';
import { dataTable, escapeHtml, htmlPage, type Section } from './html-page.ts';

/** Ratio head/base with its interval: one point per cell and metric, one panel per metric. */
export function ratioChart(report: CompareReport): Chart | null {
  const rows = report.comparisons.filter((c): c is MetricComparison & { ratio: number } => c.ratio !== null).map((c) => ({
    cell: c.cell, metric: c.metric, ratio: c.ratio, low: c.ratioInterval?.low ?? c.ratio, high: c.ratioInterval?.high ?? c.ratio, verdict: c.verdict,
  }));
  if (rows.length === 0) return null;
  return {
    id: 'chart-ratio',
    title: `Ratio ${report.head.label} / ${report.base.label} per cell`,
    caption: 'Head over base per cell and metric with its 95% interval; the rule marks 1 (no change). Colour: the verdict (a change beyond --max-regression AND significant after Holm).',
    expectedMarks: rows.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      // wrapped, three metrics a row: compare's default is every metric (twenty and more with the percentiles)
      facet: { field: 'metric', type: 'nominal', title: null },
      columns: 3,
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 260,
        layer: [
          { mark: { type: 'rule' }, encoding: { x: { field: 'low', type: 'quantitative', title: 'ratio (head / base)', scale: { zero: false } }, x2: { field: 'high' }, y: { field: 'cell', type: 'nominal', title: null } } },
          { mark: { type: 'point', filled: true, size: 70, tooltip: true }, encoding: {
            x: { field: 'ratio', type: 'quantitative' }, y: { field: 'cell', type: 'nominal' },
            color: { field: 'verdict', type: 'nominal', scale: { domain: ['same', 'improvement', 'regression'], range: ['#777', '#2a7', '#c33'] } },
          } },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { x: { datum: 1 } } },
        ],
      },
    },
  };
}

function verdictSection(report: CompareReport, headline?: string): Section {
  const lines = report.suite.map(suiteLine);
  const head = headline ? `<p class="verdict">${escapeHtml(headline)}</p>` : '';
  return {
    id: 'suite-verdict', title: 'Suite-level verdict',
    html: `${head}<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul><p class="caption">${escapeHtml(ruleText(report))}</p>`,
  };
}

function cellsSection(report: CompareReport): Section {
  const rows = report.comparisons.map((c) => [c.cell, c.metric, formatRatio(c), formatChange(c), formatP(c.adjustedP), formatMde(c), c.verdict]);
  return { id: 'cells', title: 'Cells', html: dataTable(['Cell', 'Metric', 'Ratio [95% CI]', 'Change', 'p Holm', 'MDE', 'Verdict'], rows, 2) };
}

function problemsSection(report: CompareReport): Section | null {
  const unjudged = notJudgeableLine(report);
  const items = [...report.problems.map((p) => `${p.kind}: ${p.message}`), ...(unjudged ? [unjudged] : []), ...report.notes];
  if (items.length === 0) return null;
  return { id: 'problems', title: !report.comparable ? 'Not comparable' : unjudged ? 'Not judgeable' : 'Notes', html: `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` };
}

/** The comparison as one self-contained page; `headline` is the gate's one-line outcome, when a gate ran. */
export function renderCompareHtml(report: CompareReport, headline?: string): string {
  const intro = `<p>Base: ${escapeHtml(report.base.label)} (${escapeHtml(report.base.runId)}); head: ${escapeHtml(report.head.label)} (${escapeHtml(report.head.runId)}); `
    + `design: ${escapeHtml(report.design)}; regressions ${report.counts.regression}, improvements ${report.counts.improvement}, unchanged ${report.counts.same}.</p>`;
  const chart = ratioChart(report);
  const sections = [verdictSection(report, headline), problemsSection(report), cellsSection(report)].filter((s): s is Section => s !== null);
  return htmlPage(headline ? 'prism-bench gate' : 'prism-bench compare', intro, chart ? [chart] : [], sections);
}
