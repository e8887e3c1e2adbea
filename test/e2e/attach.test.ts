// run --base-url end to end: a `prism-bench serve --draft eagle3` started by hand (as an operator
// would start SGLang) and measured by attaching to it gives the same acceptance length and the
// same greedy outputs, token for token, as the launched path on the same suite; the suite's
// drafts are reduced to the one the server runs, the server is left running, what it reports is
// recorded, and bad input is one line and exit 2 before anything is written.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import type { ResultFile } from '../../src/result/schema.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultFile;
const readRecords = (dir: string) => readFileSync(join(dir, 'requests.jsonl'), 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l) as RequestRecord & { kind?: string }).filter((r) => r.kind === undefined);

async function healthy(url: string): Promise<boolean> {
  try { return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).status === 200; } catch { return false; }
}

describe('run --base-url against a prism-bench serve started by hand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-attach-'));
  const suite = join(dir, 'suite.yaml');
  let server: ChildProcess | undefined;
  let url = '';
  before(async () => {
    // two drafts: the launched run picks eagle3 with --drafts, the attached run is reduced to it
    writeFileSync(suite, `name: attach
engines: [{ name: reference }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: eagle3, method: eagle3, steps: 4 }
datasets: [chat]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 24, trials: 1, warmup: 0 }
`);
    const port = await getPort({ host: '127.0.0.1' });
    url = `http://127.0.0.1:${port}`;
    // the launched path's line for that draft (referenceArgs): a chain of 4 steps
    server = spawn(process.execPath, [BIN, 'serve', '--draft', 'eagle3', '--steps', '4', '--topk', '1', '--drafted-tokens', '4', '--port', String(port)], { stdio: 'ignore' });
    const deadline = Date.now() + 60_000;
    while (!(await healthy(url))) {
      assert.ok(Date.now() < deadline, 'the hand-started server did not become ready');
      assert.equal(server.exitCode, null, 'the hand-started server exited');
      await new Promise((r) => setTimeout(r, 250));
    }
  });
  after(() => { if (server?.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGTERM'); });

  it('measures the same tau and the same T=0 outputs as the launched path, and leaves the server running', () => {
    const launched = join(dir, 'launched'), attached = join(dir, 'attached');
    const a = runCli(['run', '--suite', suite, '--drafts', 'eagle3', '--out', launched, '--json']);
    assert.equal(a.status, 0, a.stderr);
    const b = runCli(['run', '--suite', suite, '--base-url', url, '--engine-kind', 'reference', '--out', attached, '--json']);
    assert.equal(b.status, 0, b.stderr);
    const ra = readResult(launched), rb = readResult(attached);
    assert.deepEqual(rb.cells.map((c) => c.id), ['reference/eagle3/chat/T0']);
    assert.deepEqual(ra.cells.map((c) => c.id), rb.cells.map((c) => c.id));
    for (const m of ['accept_length_pooled', 'accept_length_mean', 'draft_accept_rate']) {
      const x = ra.cells[0]!.metrics[m]?.mean, y = rb.cells[0]!.metrics[m]?.mean;
      assert.ok(typeof x === 'number' && x > 1 - Number(m === 'draft_accept_rate'), `${m} measured: ${x}`);
      assert.equal(y, x, m);
    }
    const key = (r: RequestRecord) => `${r.promptId}/${r.turn}`;
    const outputs = (recs: RequestRecord[]) => new Map(recs.map((r) => [key(r), { hash: r.outputHash, text: r.outputPreview, tokens: r.completionTokens, cycles: r.verifyCycles }]));
    const oa = outputs(readRecords(launched)), ob = outputs(readRecords(attached));
    assert.ok(oa.size >= 2, `${oa.size} requests`);
    assert.deepEqual(ob, oa);
    // nothing was launched or stopped: the hand-started server still answers
    assert.equal(server!.exitCode, null);
    const attach = rb.options.attach!;
    assert.equal(attach.kind, 'reference');
    assert.equal(attach.draft, 'eagle3');
    assert.equal(attach.draftFrom, 'server');
    assert.equal(attach.server.steps, 4);
    assert.equal(attach.server.verifiedTokens, 5);
    assert.deepEqual(rb.suite.engines?.map((e) => e.name), ['endpoint:reference']);
    assert.ok(rb.audit?.some((f) => f.check === 'attach' && f.severity === 'warning' && /launch settings of an attached server not verifiable/.test(f.message)));
    assert.match(readFileSync(join(attached, rb.cells[0]!.log!), 'utf8'), /attached to http:\/\/127\.0\.0\.1:\d+ \(kind reference, draft eagle3\): nothing launched/);
    // a resume keeps the server and the reduced suite, even when result.json is rebuilt from the journal
    rmSync(join(attached, 'result.json'));
    const c = runCli(['run', '--resume', attached, '--json']);
    assert.equal(c.status, 0, c.stderr);
    const rc = readResult(attached);
    assert.deepEqual([rc.options.attach?.baseUrl, rc.cells.map((x) => `${x.id} ${x.status}`)], [url, ['reference/eagle3/chat/T0 ok']]);
  });

  it('--dry-run shows the server\'s settings, the reduced draft and the first request, launching nothing', () => {
    const r = runCli(['run', '--suite', suite, '--base-url', url, '--engine-kind', 'reference', '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /# attached server http:\/\/127\.0\.0\.1:\d+ \(kind reference\), read from \/server_info: .*algorithm EAGLE3, methods eagle3, steps 4, topK 1, verifiedTokens 5/);
    assert.match(r.stdout, /## reference\/eagle3 \(method eagle3\)\nattach: http/);
    assert.doesNotMatch(r.stdout, /reference\/vanilla/);
    assert.match(r.stdout, /first request: POST \/generate \{"text":"Question: /);
  });

  it('bad input is one line naming the flag and the fix, exit 2, nothing written', async () => {
    const out = join(dir, 'refused');
    const free = await getPort({ host: '127.0.0.1' });
    const cases: [string[], RegExp][] = [
      [['--base-url', `http://127.0.0.1:${free}`, '--engine-kind', 'reference'], /^prism-bench: --base-url: nothing answers at http:\/\/127\.0\.0\.1:\d+ .* -- start the server first/],
      [['--base-url', url, '--engine-kind', 'trtllm'], /^prism-bench: --engine-kind: trtllm: .* answers \/metrics with something other than TensorRT-LLM's JSON list .* -- use --engine-kind vllm/],
      [['--base-url', url, '--engine-kind', 'sglang', '--engines', 'reference', '--draft-label', 'vanilla'], /^prism-bench: --draft-label: vanilla is the suite's draft of method vanilla, but the server runs EAGLE3 \(eagle3\) -- /],
      [['--base-url', url, '--engine-kind', 'vllm'], /^prism-bench: --draft-label: the server does not say which draft it runs -- add --draft-label NAME/],
    ];
    for (const [args, want] of cases) {
      const r = runCli(['run', '--suite', suite, '--out', out, ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal(existsSync(out), false);
  });
});
