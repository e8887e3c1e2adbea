// The HTML report in a real browser: a real run on the reference engine (the default suite's four
// drafts on two prompt sets at both temperatures, sized to what the charts need), then
// Debian's chromium, driven by playwright-core with every network request blocked, opens the
// run's report.html and must find every chart drawn with the expected marks, no console errors
// and no request leaving the page; then the same for the page `compare --pair --html` writes for
// a small paired run. Skips with a message where chromium is not installed (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ResultFile } from '../../src/result/schema.ts';
import { runCharts } from '../../src/report/charts.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const CHROMIUM = process.env.PRISM_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots land here, beside the other test output (ignored by git). */
const OUT = join(ROOT, 'test-output', 'html-report');

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

test('report.html of a real run renders every chart offline in chromium', { skip, timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-html-'));
  writeFileSync(join(dir, 'run.yaml'), RUN_SUITE);
  const run = spawnSync(process.execPath, [BIN, 'run', '--suite', join(dir, 'run.yaml'), '--out', join(dir, 'run')],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 480_000 });
  assert.equal(run.status, 0, `run failed: ${run.stderr.slice(-2000)}`);
  const result = JSON.parse(readFileSync(join(dir, 'run', 'result.json'), 'utf8')) as ResultFile;
  const html = join(dir, 'run', 'report.html');

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
    assert.equal(await marks('chart-latency', 'g.mark-line.role-mark path'), byId['chart-latency'], 'latency lines');
    for (const s of ['#latency-percentiles', '#audit', '#settings', '#hardware']) assert.equal(await page.locator(s).count(), 1, s);
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
    assert.match(await c.page.locator('#suite-verdict').innerText(), /suite throughput: \d+\.\d{3}x/);
    await c.page.screenshot({ path: join(OUT, 'compare.png'), fullPage: true });
    assert.deepEqual(c.errors, [], 'no console errors on the comparison page');
    assert.deepEqual(c.requests, [], 'no network requests from the comparison page');
  } finally {
    await browser.close();
  }
});

/** Opens a local page with the network blocked; collects console errors and every request other than the page itself. */
async function openOffline(browser: Browser, file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({ offline: true });
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
