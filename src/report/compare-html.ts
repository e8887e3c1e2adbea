// HTML page of a comparison (compare --html, gate --html): the ratio head/base with its 95%
// interval per cell and metric, the suite-level verdict per metric, and what made the two runs
// not comparable. Same self-contained page as the run report (html-page.ts).
import { basename, dirname } from 'node:path';
import { notJudgeableLine, type CompareReport, type MetricComparison, type SideInfo } from '../gate/compare.ts';
import { ruleText, suiteLine } from './compare-text.ts';
import { formatChange, formatMde, formatP, formatRatio } from './numbers.ts';
import type { Chart } from './charts.ts';
import { dataTable, escapeHtml, htmlPage, type Section } from './html-page.ts';

/**
 * How the page names a side: a result by its run folder (results/<time>-<suite>, what a person
 * recognises; run ids are UUIDs), a paired side by that plus its engine, a baseline by its name.
 */
export function sideName(side: SideInfo): string {
  if (side.kind !== 'result' || side.path === '') return side.label;
  const folder = basename(side.path) === 'result.json' ? basename(dirname(side.path)) : basename(side.path).replace(/\.json$/, '');
  return side.label.startsWith(side.runId) ? folder + side.label.slice(side.runId.length) : folder;
}

/** Ratio head/base with its interval: one point per cell and metric, one panel per metric. */
export function ratioChart(report: CompareReport): Chart | null {
  const rows = report.comparisons.filter((c): c is MetricComparison & { ratio: number } => c.ratio !== null).map((c) => ({
    cell: c.cell, metric: c.metric, ratio: c.ratio, low: c.ratioInterval?.low ?? c.ratio, high: c.ratioInterval?.high ?? c.ratio, verdict: c.verdict,
  }));
  if (rows.length === 0) return null;
  // ratios multiply: a log axis draws x0.5 and x2 equally far from 1 (a linear one cannot take a ratio of 0)
  const log = rows.every((r) => r.low > 0 && r.ratio > 0);
  const metrics = new Set(rows.map((r) => r.metric)).size;
  return {
    id: 'chart-ratio',
    title: `Ratio ${sideName(report.head)} / ${sideName(report.base)} per cell`,
    caption: `Head over base per cell and metric with its 95% interval${log ? ', on a log axis' : ''}; the rule marks 1 (no change). Colour: the verdict (a change beyond --max-regression AND significant after Holm).`,
    expectedMarks: rows.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      // wrapped, three metrics a row: compare's default is every metric (twenty and more with the percentiles)
      config: { legend: { orient: 'top' } },
      facet: { field: 'metric', type: 'nominal', title: null },
      columns: Math.min(3, metrics),
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 220,
        layer: [
          { mark: { type: 'rule' }, encoding: { x: { field: 'low', type: 'quantitative', title: log ? 'ratio (head / base), log scale' : 'ratio (head / base)', scale: log ? { type: 'log' } : { zero: false }, axis: { tickCount: 5, labelOverlap: true } }, x2: { field: 'high' }, y: { field: 'cell', type: 'nominal', title: null } } },
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
  const side = (s: SideInfo) => `<b>${escapeHtml(sideName(s))}</b> <span class="small">(run ${escapeHtml(s.runId)})</span>`;
  const intro = `<p>Base: ${side(report.base)}; head: ${side(report.head)}; `
    + `design: ${escapeHtml(report.design)}; regressions ${report.counts.regression}, improvements ${report.counts.improvement}, unchanged ${report.counts.same}.</p>`;
  const chart = ratioChart(report);
  const sections = [verdictSection(report, headline), problemsSection(report), cellsSection(report)].filter((s): s is Section => s !== null);
  const title = `${headline ? 'prism-bench gate' : 'prism-bench compare'}: ${sideName(report.head)} against ${sideName(report.base)}`;
  return htmlPage(title, intro, chart ? [chart] : [], sections);
}
