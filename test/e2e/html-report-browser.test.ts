// The HTML report in a real browser: a real run on the reference engine (the default suite's four
// drafts on two prompt sets at both temperatures, sized to what the charts need), then
// Debian's chromium, driven by playwright-core with every network request blocked, opens the
// run's report.html and must find every chart drawn with the expected marks, no console errors
// and no request leaving the page; then the same for the page `compare --pair --html` writes for
// a small paired run. In a 1280 px window it also checks what a person looking at the page needs:
// one colour per method across all charts (read from Vega's scenegraph), nothing drawn past the
// window's edge, legends present, clipped whiskers marked, the audit grouped with errors first and
// the page under 1.5 MB. Skips with a message where chromium is not installed (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ResultFile } from '../../src/result/schema.ts';
import { runCharts, speedupRows } from '../../src/report/charts.ts';
import { methodColors } from '../../src/report/colors.ts';
import { groupFindings } from '../../src/audit/groups.ts';
import { renderReport } from '../../src/report/index.ts';
import { smallResult } from '../report/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const CHROMIUM = process.env.PRISM_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots land here, beside the other test output (ignored by git). */
const OUT = join(ROOT, 'test-output', 'html-report');
/** the narrowest window the page is laid out for */
const WIDTH = 1280;
/** the quick run's page measured 1.01 MB (docs/reports.md); 0.82 MB of it are the Vega libraries */
const MAX_BYTES = 1.5e6;

/** every chart's kind of mark: vanilla and three drafts (two learned), two datasets, both temperatures */
const RUN_SUITE = `version: 1
name: html-report
engines: [{ name: reference }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: ngram, method: ngram, draftedTokens: 6, ngramMin: 1, ngramMax: 4 }
  - { name: eagle3, method: eagle3, steps: 4 }
  - { name: prism, method: prism, steps: 4, stepMap: [0, 1] }
datasets: [chat, code]
settings:
  temperatures: [0, 1]
  prompts: 2
  maxNewTokens: 24
  trials: 2
  warmup: 0
`;

/** two labels of one engine, for the paired comparison page */
const PAIR_SUITE = `version: 1
name: html-compare
engines: [{ name: reference, label: base }, { name: reference, label: head }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: eagle3, method: eagle3, steps: 3 }
datasets: [chat]
settings:
  temperatures: [0]
  prompts: 1
  maxNewTokens: 16
  trials: 2
  warmup: 0
`;

const skip = existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set PRISM_CHROMIUM)`;

test('report.html of a real run renders every chart offline in chromium', { skip, timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-html-'));
  writeFileSync(join(dir, 'run.yaml'), RUN_SUITE);
  const run = spawnSync(process.execPath, [BIN, 'run', '--suite', join(dir, 'run.yaml'), '--out', join(dir, 'run')],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 480_000 });
  assert.equal(run.status, 0, `run failed: ${run.stderr.slice(-2000)}`);
  const result = JSON.parse(readFileSync(join(dir, 'run', 'result.json'), 'utf8')) as ResultFile;
  const html = join(dir, 'run', 'report.html');
  assert.ok(statSync(html).size < MAX_BYTES, `report.html is ${statSync(html).size} bytes, over ${MAX_BYTES}`);

  // the client recorded every streamed chunk: the tokens they carried add up to the completion
  // request records only: the journal's run, engine and trial lines carry a kind
  const records = readFileSync(join(dir, 'run', 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; stream?: boolean; completionTokens: number; chunkSeconds?: number[]; chunkTokens?: number[] })
    .filter((r) => r.kind === undefined);
  assert.ok(records.length > 0);
  for (const r of records) {
    assert.ok(r.chunkTokens && r.chunkSeconds, 'every request streamed and recorded its chunks');
    assert.equal(r.chunkTokens.reduce((a, b) => a + b, 0), r.completionTokens);
    assert.equal(r.chunkSeconds.length, r.chunkTokens.length);
    assert.ok(r.chunkSeconds.every((t, i) => i === 0 || t >= r.chunkSeconds![i - 1]), 'arrivals in order');
  }
  assert.ok(records.some((r) => r.chunkTokens!.some((k) => k > 1)), 'speculation streams several tokens in one chunk');
  for (const c of result.cells) {
    for (const id of ['ttft_p50_ms', 'ttft_p99_ms', 'tpot_p90_ms', 'itl_token_p50_ms', 'itl_chunk_p99_ms']) assert.ok(c.metrics[id], `${c.id} ${id}`);
  }
  assert.equal(result.schemaVersion, 2);

  // what the page must show, from the result alone
  const charts = runCharts(result);
  const byId = Object.fromEntries(charts.map((c) => [c.id, c.expectedMarks]));
  assert.deepEqual(Object.keys(byId).sort(), ['chart-capacity-cost', 'chart-latency', 'chart-position', 'chart-speedup']);
  const count = (key: (c: ResultFile['cells'][number]) => string | number, cells = result.cells) => new Set(cells.map(key)).size;
  const drafted = result.cells.filter((c) => c.method !== 'vanilla');
  assert.ok(count((c) => c.draft, drafted) >= 2 && count((c) => c.dataset) >= 2 && count((c) => c.temperature) === 2, 'the run has drafts, datasets and both temperatures');
  assert.equal(byId['chart-speedup'], count((c) => c.draft, drafted) * count((c) => c.dataset) * count((c) => c.temperature), 'one bar per method, dataset and temperature');
  // one point per draft, dataset and temperature, for drafts whose engine reports draft time (the learned ones)
  const withCost = drafted.filter((c) => c.metrics.draft_ms_per_step && c.metrics.accept_length_pooled).length;
  assert.ok(withCost >= 2 * 2, `learned drafts report draft time in every dataset and temperature (${withCost})`);
  assert.equal(byId['chart-capacity-cost'], withCost);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const { page, errors, requests } = await openOffline(browser, html);
    const marks = (id: string, selector: string) => page.locator(`#${id} svg ${selector}`).count();
    assert.equal(await marks('chart-speedup', 'g.mark-rect.role-mark path'), byId['chart-speedup'], 'speedup bars');
    assert.equal(await marks('chart-capacity-cost', 'g.mark-symbol.role-mark path'), byId['chart-capacity-cost'], 'capacity-cost points');
    assert.equal(await marks('chart-position', 'g.mark-symbol.role-mark path'), byId['chart-position'], 'per-position points');
    assert.equal(await marks('chart-latency', 'g.mark-line.role-mark path'), byId['chart-latency'], 'latency lines (the first dataset)');
    const clipped = speedupRows(result).rows.filter((r) => r.clipped).length;
    t.diagnostic(`report.html ${statSync(html).size} bytes; ${clipped} clipped whiskers`);
    assert.equal(await marks('chart-speedup', 'g.clipped_marks path'), clipped, 'one triangle per clipped whisker');
    await assertColours(page, methodColors(result.cells), Object.keys(byId));
    await assertInsideWindow(page, Object.keys(byId));
    assert.deepEqual(await auditOrder(page), groupFindings(result.audit ?? []).map((g) => `${g.severity} ${g.check}`), 'audit grouped, errors first');
    for (const s of ['#vanilla-throughput', '#latency-percentiles', '#audit', '#settings', '#hardware']) assert.equal(await page.locator(s).count(), 1, s);
    assert.match(await page.locator('#hardware').innerText(), /CPU/);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(requests, [], 'no network requests');

    // the comparison page, from a small paired run (base and head of one engine): one point per cell and metric
    writeFileSync(join(dir, 'pair.yaml'), PAIR_SUITE);
    const pairRun = spawnSync(process.execPath, [BIN, 'run', '--suite', join(dir, 'pair.yaml'), '--out', join(dir, 'pair')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
    assert.equal(pairRun.status, 0, `paired run failed: ${pairRun.stderr.slice(-2000)}`);
    const comparePage = join(dir, 'compare.html');
    const cmp = spawnSync(process.execPath, [BIN, 'compare', join(dir, 'pair'), '--pair', 'base:head', '--html', comparePage], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(cmp.status, 0, cmp.stderr);
    const c = await openOffline(browser, comparePage);
    const expected = Number(await c.page.getAttribute('#chart-ratio', 'data-expected-marks'));
    assert.ok(expected > 0);
    assert.equal(await c.page.locator('#chart-ratio svg g.mark-symbol.role-mark path').count(), expected, 'ratio points');
    // titled by the run folder, the run id in small print; ratios on a log axis
    assert.match(await c.page.locator('h1').innerText(), /compare: pair engine head against pair engine base/);
    assert.match(await c.page.locator('.small').first().innerText(), new RegExp(JSON.parse(readFileSync(join(dir, 'pair', 'result.json'), 'utf8')).runId as string));
    // the x scales live inside the facet (one per metric); their axes say what they are
    assert.ok((await c.page.locator('#chart-ratio svg text', { hasText: 'ratio (head / base), log scale' }).count()) >= 1, 'ratio axes on a log scale');
    await assertInsideWindow(c.page, ['chart-ratio']);
    assert.match(await c.page.locator('#suite-verdict').innerText(), /suite throughput: \d+\.\d{3}x/);
    await c.page.screenshot({ path: join(OUT, 'compare.png'), fullPage: true });
    assert.deepEqual(c.errors, [], 'no console errors on the comparison page');
    assert.deepEqual(c.requests, [], 'no network requests from the comparison page');

    // what the real run may not show: a clipped whisker and an audit with every severity
    const small = smallResult();
    const wide = small.cells.find((x) => x.metrics.speedup)!;
    wide.metrics.speedup!.interval = { low: 0.5, high: 40, halfWidth: 19.75, level: 0.95, method: 'paired' };
    small.audit = [
      { check: 'noise', severity: 'info', cell: wide.id, message: 'a note' }, { check: 'noise', severity: 'warning', cell: wide.id, message: 'a warning' },
      { check: 'lossless', severity: 'error', cell: wide.id, message: 'outputs differ' }, { check: 'noise', severity: 'info', message: 'another note' },
    ];
    const smallPage = join(dir, 'small.html');
    writeFileSync(smallPage, renderReport(small, 'html'));
    const s = await openOffline(browser, smallPage);
    assert.equal(await s.page.locator('#chart-speedup svg g.clipped_marks path').count(), 1, 'the clipped whisker ends in a triangle');
    await probe(s.page);
    const marked = (await s.page.evaluate(() => (window as unknown as ProbeWindow).prismProbe.items('chart-speedup'))).filter((i) => i.mark === 'clipped_marks').map((i) => i.datum);
    assert.equal(marked[0]?.high, 40, 'the triangle carries the true high end for its tooltip');
    await s.page.locator('#chart-speedup g.clipped_marks path').first().hover();
    await s.page.waitForSelector('#vg-tooltip-element.visible', { timeout: 5_000 });
    assert.match(await s.page.locator('#vg-tooltip-element').innerText(), /95% interval\s+\[0\.50, 40(\.0+)?\]/, 'the tooltip shows the whole interval');
    assert.deepEqual(await auditOrder(s.page), ['error lossless', 'warning noise', 'info noise']);
    assert.deepEqual(await s.page.$$eval('#audit details', (ds) => ds.map((d) => (d as HTMLDetailsElement).open)), [true, true, false], 'errors open, notes folded');
    await assertColours(s.page, methodColors(small.cells), runCharts(small).map((x) => x.id));
    await s.page.screenshot({ path: join(OUT, 'fixture.png'), fullPage: true });
    assert.deepEqual(s.errors, [], 'no console errors on the fixture page');
  } finally {
    await browser.close();
  }
});

interface SceneItem { chart: string; mark: string; role: string; type: string; fill?: string; stroke?: string; datum?: Record<string, unknown> }
interface PageProbe {
  /** every item of every chart's scenegraph, flattened */
  items(chart?: string): SceneItem[];
  boxes(ids: string[]): Array<{ id: string; svg: { left: number; right: number }; legends: Array<{ left: number; right: number }> }>;
}

/**
 * Page-side helpers as plain JavaScript text: functions compiled from this file may carry
 * esbuild's __name() calls, which do not exist in the page.
 */
const PROBE = `window.prismProbe = {
  items(only) {
    const out = [];
    const walk = (chart, n) => {
      if (n.mark && n.mark.marktype !== 'group') out.push({ chart, mark: n.mark.name || '', role: n.mark.role || '', type: n.mark.marktype, fill: n.fill, stroke: n.stroke, datum: n.datum });
      for (const c of n.items || []) walk(chart, c);
    };
    for (const [id, view] of Object.entries(window.prismViews)) if (!only || only === id) walk(id, view.scenegraph().root);
    return out;
  },
  boxes(ids) {
    const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; };
    return ids.map((id) => { const svg = document.querySelector('#' + id + ' svg'); return { id, svg: box(svg), legends: [...svg.querySelectorAll('g.role-legend')].map(box) }; });
  },
};`;

const probe = (page: Page): Promise<unknown> => page.addScriptTag({ content: PROBE });
type ProbeWindow = { prismProbe: PageProbe };

/**
 * Every bar, point and line that stands for a method, and every legend entry naming one, has the
 * method's colour from colors.ts: one colour per method on the whole page, no two methods alike.
 */
async function assertColours(page: Page, expected: { domain: string[]; range: string[] }, chartIds: string[]): Promise<void> {
  await probe(page);
  const all = await page.evaluate(() => (window as unknown as ProbeWindow).prismProbe.items());
  const want = new Map(expected.domain.map((m, i) => [m, expected.range[i]!.toLowerCase()]));
  const charts = new Set<string>();
  for (const i of all) {
    const colour = i.fill && i.fill !== 'transparent' ? i.fill : i.stroke;
    const method = i.role === 'mark' && ['rect', 'symbol', 'line'].includes(i.type) ? i.datum?.method
      : i.role === 'legend-symbol' ? i.datum?.value : undefined;
    // shape and size legends name datasets and counts, not methods
    if (typeof method !== 'string' || !want.has(method) || !colour) continue;
    charts.add(i.chart);
    assert.equal(colour.toLowerCase(), want.get(method), `${i.chart}: ${method} drawn in ${colour}`);
  }
  assert.equal(new Set(want.values()).size, want.size, 'no two methods share a colour');
  assert.deepEqual([...charts].sort(), [...chartIds].sort(), 'every chart draws its methods in their colours');
}

/** Every chart's SVG and every legend lies inside a WIDTH px window, each chart has a legend, and the page does not scroll sideways. */
async function assertInsideWindow(page: Page, ids: string[]): Promise<void> {
  await probe(page);
  const boxes = await page.evaluate((chartIds) => (window as unknown as ProbeWindow).prismProbe.boxes(chartIds), ids);
  for (const b of boxes) {
    assert.ok(b.legends.length >= 1, `${b.id} has a legend`);
    for (const [what, r] of [['chart', b.svg] as const, ...b.legends.map((l, i) => [`legend ${i + 1}`, l] as const)]) {
      assert.ok(r.left >= 0 && r.right <= WIDTH, `${b.id} ${what} spans ${Math.round(r.left)}..${Math.round(r.right)} px, outside ${WIDTH} px`);
    }
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= WIDTH, 'no sideways scrolling');
}

/** The audit's groups as shown, "severity check", top to bottom. */
async function auditOrder(page: Page): Promise<string[]> {
  return page.$$eval('#audit details', (ds) => ds.map((d) => `${d.getAttribute('data-severity')} ${d.getAttribute('data-check')}`));
}

/** Opens a local page with the network blocked; collects console errors and every request other than the page itself. */
async function openOffline(browser: Browser, file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({ offline: true, viewport: { width: WIDTH, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts="ready"], body[data-charts="failed"]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-charts'), 'ready', `charts failed in ${file}: ${errors.join('; ')}`);
  return { page, errors, requests };
}
