// The journal reader, the sealing of a journal a crash cut short, and the rebuild of a result's
// trials from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal, restoreFromJournal, sealJournal } from '../../src/runner/journal.ts';
import type { ResultFile } from '../../src/result/schema.ts';

const record = (cell: string, attempt: string) => ({ cell, trial: 1, attempt, promptId: 'p', turn: 0, completionTokens: 4, e2eSeconds: 0.1 });
const trial = (cell: string, t: number, attempt: string, wall: number) => ({ kind: 'trial', cell, trial: t, attempt, startedAt: 'x', wallSeconds: wall, requests: 1, metrics: { throughput: 4 / wall }, log: `logs/${attempt}.log` });

function result(): ResultFile {
  return {
    schemaVersion: 1, tool: { name: 'prism-bench', version: '0' }, runId: 'r', createdAt: '', updatedAt: '', status: 'running', suiteFile: 's',
    suite: {}, options: { quick: false }, fingerprint: {}, engines: {},
    cells: ['a', 'b'].map((id) => ({ id, engine: 'e', draft: 'd', method: 'vanilla', dataset: 'chat', temperature: 0, status: 'pending', trials: [], metrics: {} })),
  };
}

describe('readJournal', () => {
  it('sorts lines by kind and counts the ones a crash cut short', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'prism-journal-')), 'requests.jsonl');
    writeFileSync(file, [
      JSON.stringify({ kind: 'run', runId: 'r', createdAt: 't', tool: { name: 'prism-bench', version: '0' }, suiteFile: 's', options: { quick: false }, fingerprint: {} }),
      JSON.stringify({ kind: 'engine', key: 'e/d', version: 'v' }),
      JSON.stringify(record('a', 'x1')), JSON.stringify(trial('a', 1, 'x1', 2)), '', '{"cell": "a", "tri',
    ].join('\n'));
    const j = readJournal(file);
    assert.equal(j.run?.runId, 'r');
    assert.equal(j.engines.length, 1);
    assert.equal(j.records.length, 1);
    assert.equal(j.trials.length, 1);
    assert.equal(j.damaged, 1);
    assert.deepEqual(readJournal(join(tmpdir(), 'no-such-journal.jsonl')), { engines: [], trials: [], records: [], damaged: 0 });
  });
});

describe('sealJournal', () => {
  const at = new Date('2026-12-06T01:02:03.456Z');
  const line = (i: number) => JSON.stringify(record('a', `x${i}`));
  const fresh = (text: string | Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'prism-seal-'));
    writeFileSync(join(dir, 'requests.jsonl'), text);
    return { dir, file: join(dir, 'requests.jsonl') };
  };

  it('sets a torn last line aside in a side file and cuts it from the journal, so the next line starts fresh', () => {
    const whole = `${line(1)}\n${line(2)}\n`;
    const { dir, file } = fresh(`${whole}{"cell": "a", "tri`);
    const sealed = sealJournal(file, at);
    assert.deepEqual(sealed, { kind: 'set-aside', file: `${file}.torn-2026-12-06T01-02-03-456Z`, bytes: 18 });
    assert.equal(readFileSync(file, 'utf8'), whole);
    assert.equal(readFileSync(`${file}.torn-2026-12-06T01-02-03-456Z`, 'utf8'), '{"cell": "a", "tri');
    // what a resumed run appends next reads back, and nothing is damaged
    appendFileSync(file, `${line(3)}\n`);
    assert.equal(readJournal(file).records.length, 3);
    assert.equal(readJournal(file).damaged, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['requests.jsonl', 'requests.jsonl.torn-2026-12-06T01-02-03-456Z']);
  });

  it('finds the last newline past a long torn line (read back in chunks), multi-byte text included', () => {
    const long = `{"cell": "a", "outputPreview": "${'é'.repeat(100_000)}`;
    const { file } = fresh(`${line(1)}\n${long}`);
    const sealed = sealJournal(file, at);
    assert.equal(sealed.kind, 'set-aside');
    assert.equal(readFileSync(file, 'utf8'), `${line(1)}\n`);
    assert.equal(readFileSync(`${file}.torn-2026-12-06T01-02-03-456Z`, 'utf8'), long);
  });

  it('a journal that is all one torn line is emptied, the fragment kept', () => {
    const { file } = fresh('{"kind": "ru');
    assert.equal(sealJournal(file, at).kind, 'set-aside');
    assert.equal(readFileSync(file, 'utf8'), '');
  });

  it('a last line that lost only its newline keeps its place and gets the newline; a whole or empty journal is left alone', () => {
    const { file } = fresh(`${line(1)}\n${line(2)}`);
    assert.deepEqual(sealJournal(file, at), { kind: 'ended' });
    assert.equal(readFileSync(file, 'utf8'), `${line(1)}\n${line(2)}\n`);
    assert.deepEqual(sealJournal(file, at), { kind: 'intact' });
    assert.equal(readFileSync(file, 'utf8'), `${line(1)}\n${line(2)}\n`);
    assert.deepEqual(sealJournal(fresh('').file, at), { kind: 'intact' });
    assert.deepEqual(sealJournal(join(tmpdir(), 'no-such-journal.jsonl'), at), { kind: 'intact' });
  });
});

describe('restoreFromJournal', () => {
  it('puts each finished trial back in its cell, a later attempt at a trial replacing the earlier, and marks full cells ok', () => {
    const r = result();
    const n = restoreFromJournal(r, {
      engines: [{ kind: 'engine', key: 'e/d', version: 'v1', measures: { verifyCycles: true } }], records: [], damaged: 0,
      trials: [trial('a', 1, 'old', 9), trial('a', 2, 'x2', 2), trial('a', 1, 'new', 1), trial('b', 1, 'y1', 3), trial('gone', 1, 'z', 1)] as never,
    }, 2);
    assert.equal(n, 4);
    const [a, b] = r.cells;
    assert.deepEqual(a!.trials.map((t) => [t.trial, t.attempt, t.wallSeconds]), [[1, 'new', 1], [2, 'x2', 2]]);
    assert.equal(a!.status, 'ok');
    assert.equal(a!.log, 'logs/new.log');
    assert.equal(b!.status, 'pending');
    assert.ok(!('kind' in a!.trials[0]!) && !('cell' in a!.trials[0]!));
    assert.deepEqual(r.engines['e/d'], { version: 'v1', info: undefined, measures: { verifyCycles: true } });
  });
});
