// `prism-bench project` and `report --profile` through the real CLI on a committed run: two
// profiles side by side (this machine's and the H200's), the HTML projection chart, the labels.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../src/profile/schema.ts';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));
const RUN = fileURLToPath(new URL('../fixtures/results/quick-40', import.meta.url));
const HERE = fileURLToPath(new URL('../../profiles/reference-cpu-2core.json', import.meta.url));
const H200 = fileURLToPath(new URL('../../profiles/h200-llama-3.1-8b.json', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('project', () => {
  it('projects onto two profiles and shows the depth advice side by side', () => {
    const r = cli('project', RUN, '--profile', HERE, H200);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Speedup projected \(profile reference-cpu-2core\)/);
    assert.match(r.stdout, /Speedup projected \(profile h200-llama-3\.1-8b\)/);
    assert.match(r.stdout, /Depth advice, projected/);
    const prism = r.stdout.split('\n').find((l) => /^prism\s+0\s+chain 4/.test(l));
    assert.ok(prism, r.stdout);
    // two "at setting" speedups and two best depths, one per profile
    assert.equal(prism.match(/\d \(\d+\): \d+\.\d\d/g)?.length, 2, prism);
    // the H200 profile has no lookup costs: said, not guessed
    assert.match(r.stdout.split('\n').find((l) => /^ngram\s/.test(l)) ?? '', /no costs for ngram/);
  });
  it('JSON with two profiles: one projection per profile and the advice', () => {
    const r = cli('project', RUN, '--profile', HERE, H200, '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { projections: { label: string }[]; advice: unknown[] };
    assert.deepEqual(j.projections.map((p) => p.label), ['projected (profile reference-cpu-2core)', 'projected (profile h200-llama-3.1-8b)']);
    assert.ok(j.advice.length >= 3);
  });
  it('shape advice beside the depth advice for cells that carry tree-shape acceptance; none for cells without it', () => {
    assert.doesNotMatch(cli('project', RUN, '--profile', HERE, H200).stdout, /Shape advice/);
    // the committed run with the prism cells given counts as a 2 x top-2 tree of 3 would report them
    const dir = mkdtempSync(join(tmpdir(), 'prism-shape-'));
    const result = JSON.parse(readFileSync(join(RUN, 'result.json'), 'utf8')) as { cells: { draft: string; temperature: number; shapeAcceptance?: unknown }[] };
    for (const c of result.cells.filter((x) => x.draft === 'prism' && x.temperature === 0)) {
      c.shapeAcceptance = { version: 1, steps: 2, topK: 2, draftTokens: 3, cycles: 10, greedy: true, grid: [
        { steps: 1, topK: 1, acceptedAtRank: [5], censoredAtRank: [0] }, { steps: 1, topK: 2, acceptedAtRank: [5, 3], censoredAtRank: [0, 0] },
        { steps: 2, topK: 1, acceptedAtRank: [5, 4], censoredAtRank: [0, 0] }, { steps: 2, topK: 2, acceptedAtRank: [5, 3, 4], censoredAtRank: [0, 0, 2] }] };
    }
    writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
    const t = cli('project', dir, '--profile', HERE, H200);
    assert.equal(t.status, 0, t.stderr);
    assert.ok(t.stdout.indexOf('Depth advice, projected') < t.stdout.indexOf('Shape advice, projected'), t.stdout);
    const row = t.stdout.split('\n').slice(t.stdout.split('\n').indexOf('Shape advice, projected')).find((l) => /^prism\s+0\s+2x2, 3\s+50 \(5 datasets\)/.test(l));
    assert.ok(row, t.stdout);
    assert.equal(row.match(/\dx\d, \d: \d+\.\d\d/g)?.length, 2, row);
    assert.match(t.stdout, /projected h200-llama-3\.1-8b: best shape \(steps x top-k, drafted\): x/);
    const md = cli('project', dir, '--profile', HERE, H200, '--format', 'markdown');
    assert.match(md.stdout, /### Shape advice, projected\n/);
    assert.match(md.stdout, /\| prism \| 0 \| 2x2, 3 \| 50 \(5 datasets\) \|/);
    const j = JSON.parse(cli('project', dir, '--profile', HERE, H200, '--format', 'json').stdout) as { shapeAdvice: { draft: string; profiles: { label: string; best: { steps: number; exactness: string } }[] }[] };
    assert.deepEqual(j.shapeAdvice.map((r) => r.draft), ['prism']);
    assert.deepEqual(j.shapeAdvice[0].profiles.map((p) => p.label), ['projected (profile reference-cpu-2core)', 'projected (profile h200-llama-3.1-8b)']);
    assert.ok(j.shapeAdvice[0].profiles.every((p) => ['exact', 'lower bound'].includes(p.best.exactness)));
  });
  it('a bad profile is one line naming the file, exit 2, before any output', () => {
    const r = cli('project', RUN, '--profile', HERE, RUN + '/README.md');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.trim(), /^prism-bench: profile .*README\.md: not JSON .*$/);
  });
});

describe('report --profile --format md', () => {
  it('adds the projection and the depth advice on that profile, each labelled a projection', () => {
    const r = cli('report', RUN, '--profile', H200, '--format', 'md');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /### Speedup projected \(profile h200-llama-3\.1-8b\)/);
    assert.match(r.stdout, /Depth advice, projected/);
    assert.match(r.stdout, /\| prism \| 0 \| chain 4 \|/);
    const json = JSON.parse(cli('report', RUN, '--profile', H200, '--format', 'json').stdout) as { projection: { advice: { draft: string }[]; shapeAdvice: unknown[] } };
    assert.ok(json.projection.advice.some((a) => a.draft === 'prism'));
    assert.deepEqual(json.projection.shapeAdvice, []);
  });
});

describe('report --profile --format html', () => {
  it('draws the projection as a chart and a table, labelled a projection, inside one page', () => {
    const r = cli('report', RUN, '--profile', H200, '--format', 'html');
    assert.equal(r.status, 0, r.stderr);
    // one page: as many closing tags as the report without a profile has (the inlined libraries hold some)
    const plain = cli('report', RUN, '--format', 'html').stdout;
    assert.equal(r.stdout.match(/<\/html>/g)?.length, plain.match(/<\/html>/g)?.length);
    assert.ok(r.stdout.trimEnd().endsWith('</html>'));
    assert.match(r.stdout, /id="chart-projected-speedup"/);
    assert.match(r.stdout, /<h2>Speedup projected \(profile h200-llama-3\.1-8b\)<\/h2>/);
    assert.match(r.stdout, /<section id="projection">/);
    // the chart's data: the eagle3 and prism cells (ngram has no H200 costs)
    const specs = JSON.parse(/const specs = (\{.*?\});\n/s.exec(r.stdout)![1]) as Record<string, { data: { values: { draft: string }[] } }>;
    const drafts = new Set(specs['chart-projected-speedup'].data.values.map((v) => v.draft));
    assert.deepEqual([...drafts].sort(), ['eagle3', 'prism']);
  });
});

describe('the shipped H200 profile', () => {
  it('loads, says it is transcribed, and prices eagle3 and prism (measured) and hass2, eagle, hass (estimates)', () => {
    const p = loadProfile(H200);
    assert.equal(p.provenance, 'transcribed');
    assert.deepEqual(Object.keys(p.drafts).sort(), ['eagle', 'eagle3', 'hass', 'hass2', 'prism']);
    assert.deepEqual(p.target.verify.map((c) => c.contextTokens), [1024, 4096]);
  });
  it('is what scripts/h200-profile-from-notes.ts makes of the shared raw figures', (t) => {
    const raw = fileURLToPath(new URL('../../../shared/notes/gpu-costs-h200.json', import.meta.url));
    if (!existsSync(raw)) { t.skip(`shared H200 figures not found at ${raw} (they live beside the project, not in it)`); return; }
    const out = join(mkdtempSync(join(tmpdir(), 'prism-h200-')), 'h200.json');
    const s = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../scripts/h200-profile-from-notes.ts', import.meta.url)), raw, out], { encoding: 'utf8' });
    assert.equal(s.status, 0, s.stderr);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(readFileSync(H200, 'utf8')));
  });
});

describe('project on an import that carries only the acceptance length', () => {
  const SERVE_CSV = fileURLToPath(new URL('../importers/fixtures/prism-ae/benchmark_results.csv', import.meta.url));
  it('needs --shape, then projects from tau alone at that shape (no depth advice)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'prism-proj-')), 'ae');
    const imp = cli('import', '--from', 'prism-ae', SERVE_CSV, '--temperature', '0', '--out', out);
    assert.equal(imp.status, 0, imp.stderr);
    const none = cli('project', out, '--profile', H200, '--format', 'json');
    assert.equal(none.status, 0, none.stderr);
    const cells = (JSON.parse(none.stdout) as { cells: { cell: string; missing?: string }[] }).cells;
    assert.match(cells.find((c) => c.cell === 'prism-ae/prism/mt_bench/T0')!.missing!, /give --shape STEPSxTOPKxTOKENS/);
    const r = cli('project', out, '--profile', H200, '--shape', '6x4x16', '--context', '1024', '--request-ms', '0', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const p = (JSON.parse(r.stdout) as { cells: { cell: string; tauOnly?: boolean; shape: { steps: number; topK: number; draftTokens: number }; projection: { tau: number; speedup: number; cycle: { totalMs: number }; vanillaCycleMs: number } }[] }).cells
      .find((c) => c.cell === 'prism-ae/prism/mt_bench/T0')!;
    assert.equal(p.tauOnly, true);
    assert.deepEqual([p.shape.steps, p.shape.topK, p.shape.draftTokens], [6, 4, 15]);
    assert.equal(p.projection.tau, 4.72);
    // decode only: speedup = tau x vanilla cycle / cycle
    assert.ok(Math.abs(p.projection.speedup - (4.72 * p.projection.vanillaCycleMs) / p.projection.cycle.totalMs) < 1e-9);
    const bad = cli('project', out, '--profile', H200, '--shape', '6x4');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--shape: expected STEPSxTOPKxTOKENS such as 6x4x16/);
  });
});
