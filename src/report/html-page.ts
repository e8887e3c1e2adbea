// One self-contained HTML page: Vega, Vega-Lite and vega-embed inlined from node_modules, the
// charts' specs and data inlined as JSON, no external URL anywhere, so the file opens offline
// and can be mailed or attached to a CI run. Shared by the run, compare and gate reports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDataDir } from '../assets.ts';
import type { Chart } from './charts.ts';

/** The three UMD bundles, in load order (vega-embed expects the globals vega and vegaLite). */
const BUNDLES: ReadonlyArray<[pkg: string, file: string]> = [
  ['vega', 'build/vega.min.js'], ['vega-lite', 'build/vega-lite.min.js'], ['vega-embed', 'build/vega-embed.min.js'],
];

let cached: string | null = null;

/** The bundles' text; their packages do not export build/, so node_modules is searched directly. */
export function plottingLibraries(): string {
  if (cached !== null) return cached;
  cached = BUNDLES.map(([pkg, file]) => {
    const dir = packageDataDir(pkg, file);
    if (!dir) throw new Error(`${pkg}/${file} not found in node_modules -- run npm ci`);
    // why: an installed package's package.json always names its version
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    return `/* ${pkg} ${version} */\n${readFileSync(join(dir, file), 'utf8')}`;
  }).join('\n');
  return cached;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Text safe inside <script>: no "</script" or "<!--" can end or confuse the element. */
function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A two-column table of label/value pairs. */
export function keyValueTable(rows: Array<[string, string]>): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

/** A table with a header row; cells are escaped here. */
export function dataTable(head: string[], rows: string[][], numericFrom = Infinity): string {
  const cell = (tag: string, text: string, i: number) => `<${tag}${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(text)}</${tag}>`;
  return `<table><thead><tr>${head.map((h, i) => cell('th', h, i)).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('')}</tbody></table>`;
}

export interface Section {
  id: string;
  title: string;
  /** HTML, escaped by whoever built it */
  html: string;
}

function chartSection(c: Chart): string {
  return `<section class="chart" id="${escapeHtml(c.id)}-section"><h2>${escapeHtml(c.title)}</h2>`
    + `<div class="plot" id="${escapeHtml(c.id)}" data-expected-marks="${c.expectedMarks}"></div><p class="caption">${escapeHtml(c.caption)}</p></section>`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}table.kv th{font-weight:600;white-space:nowrap}
.caption{color:#555;font-size:.9em;max-width:60em}.sev-error{color:#b00}.sev-warning{color:#a60}.sev-info{color:#567}.verdict{font-size:1.1em;font-weight:600}
.plot{max-width:100%;overflow-x:auto}.small{color:#777;font-size:.85em}
details.audit-group{margin:.3em 0}details.audit-group summary{cursor:pointer}details.audit-group ul{margin:.3em 0 .6em}
.vega-bindings{margin:.3em 0;font-size:.95em}`;

/** The whole page; `charts` render through vega-embed (SVG), `sections` follow them. */
export function htmlPage(title: string, intro: string, charts: Chart[], sections: Section[]): string {
  const specs = Object.fromEntries(charts.map((c) => [c.id, c.spec]));
  // window.prismViews: each chart's Vega view, so a test can read the scenegraph (colours, items)
  // body[data-charts] turns "ready" when every chart rendered, "failed" otherwise (the browser test waits on it)
  const boot = `const specs = ${JSON.stringify(specs).replace(/</g, '\\u003c')};
Promise.all(Object.entries(specs).map(([id, spec]) => vegaEmbed('#' + id, spec, { renderer: 'svg', actions: false }).then((r) => [id, r.view])))
  .then((views) => { window.prismViews = Object.fromEntries(views); document.body.dataset.charts = 'ready'; })
  .catch((e) => { document.body.dataset.charts = 'failed'; console.error('chart failed: ' + e); });`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style>
<script>${scriptSafe(plottingLibraries())}</script></head>
<body data-charts="pending"><h1>${escapeHtml(title)}</h1>${intro}
${charts.map(chartSection).join('\n')}
${sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.html}</section>`).join('\n')}
<script>${scriptSafe(boot)}</script></body></html>
`;
}
