// What a suite asks of its engines is checked before anything launches, by one piece of code
// reading what each adapter declares: suite errors naming the file, the field and the fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadSuite } from '../../src/suite/index.ts';
import { checkSuiteEngines, suiteEngineProblems } from '../../src/engines/check.ts';
import { ADAPTERS } from '../../src/engines/index.ts';
import { learnedDraftShape, referenceArgs } from '../../src/engines/reference.ts';
import { sglangArgs } from '../../src/engines/sglang.ts';
import { TARGET_CONFIG, REFERENCE_DRAFT_METHODS } from '@prism-bench/reference-engine/contract';
import type { LearnedDraft } from '../../src/suite/types.ts';
import { ENDPOINT_KINDS, ENGINE_ADAPTERS } from '../../src/suite/types.ts';
import { assertSuiteError, tempDir, writeTemp } from '../suite/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function expectEngineError(text: string, path: string, fix: RegExp, problem?: RegExp) {
  const file = writeTemp(text);
  return assertSuiteError(() => checkSuiteEngines(loadSuite(file)), file, path, fix, problem);
}

describe('checkSuiteEngines: the reference engine', () => {
  it('rejects a draft method it does not offer', () => {
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: hass}]\n', 'drafts[0].method',
      /use one of vanilla, ngram, suffix, eagle, eagle3, hass2, prism, medusa, standalone, or run this draft on another engine \(engine reference\)/, /method hass is not offered by the reference engine/);
    // SGLang has no Medusa algorithm (its SpeculativeAlgorithm: EAGLE, EAGLE3, STANDALONE, NGRAM)
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: medusa, model: x}]\n', 'drafts[0].method',
      /run this draft on another engine \(engine sglang\)/, /method medusa is not offered by the sglang engine/);
  });
  it('rejects an unknown option, listing the ones it has', () => {
    const e = expectEngineError('engines: [{name: reference, options: {port: 30000}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.port',
      /allowed keys for the reference engine are: bin, model, threads, draftPrecision, drafts, faultVerifyDelayMs/);
    assert.equal(e.problem, 'unknown key');
    expectEngineError('engines: [{name: reference, options: {thread: 2}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.thread', /did you mean threads\?/);
  });
  it('rejects options of the wrong type or out of range', () => {
    expectEngineError('engines: [{name: reference, options: {threads: 0}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.threads', /set threads to a whole number/, /expected an integer >= 1, got 0/);
    expectEngineError('engines: [{name: reference, options: {draftPrecision: fp16}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.draftPrecision', /set draftPrecision to one of: int8, q8, q4, fp32/);
    expectEngineError('engines: [{name: reference, options: {bin: nowhere.js}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.bin', /another checkout's bin\/prism-bench.js/, /"nowhere.js" is not a file/);
    expectEngineError('engines: [{name: reference, options: {faultSlowdownPct: 5000}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.faultSlowdownPct', /such as 3/, /percentage from 0 to 1000/);
  });
  it('rejects maxNewTokens beyond the model\'s context, in settings and in quick', () => {
    const ctx = TARGET_CONFIG.maxContext;
    expectEngineError(`engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nsettings: {maxNewTokens: ${ctx}}\n`, 'settings.maxNewTokens',
      new RegExp(`set settings.maxNewTokens well below ${ctx}`), new RegExp(`${ctx} tokens do not fit the reference engine's context of ${ctx} tokens`));
    expectEngineError(`engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nquick: {maxNewTokens: ${ctx + 1000}}\n`, 'quick.maxNewTokens', new RegExp(`well below ${ctx}`));
    assert.deepEqual(suiteEngineProblems(loadSuite(writeTemp(`engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nsettings: {maxNewTokens: ${ctx - 24}}\n`))), []);
  });
  it('takes SGLang\'s steps, topK and verifiedTokens (the root counted); rejects a tree without its size, a model, and a step map naming a missing module', () => {
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: eagle3, topK: 4}]\n', 'drafts[0]', /set steps \(draft steps per cycle\) and verifiedTokens/);
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: eagle3, topK: 2, steps: 2, verifiedTokens: 9}]\n', 'drafts[0].verifiedTokens', /set verifiedTokens between 2 and 7/);
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: eagle3, steps: 4, verifiedTokens: 4}]\n', 'drafts[0].verifiedTokens', /set verifiedTokens: 5, or leave it out/);
    assert.deepEqual(learnedDraftShape({ steps: 4 }), { steps: 4, topK: 1, nodes: 4 });
    assert.deepEqual(learnedDraftShape({ verifiedTokens: 5 }), { steps: 4, topK: 1, nodes: 4 });
    assert.deepEqual(learnedDraftShape({ steps: 6, topK: 4, verifiedTokens: 16 }), { steps: 6, topK: 4, nodes: 15 });
    const args = referenceArgs({ draft: { name: 't', method: 'prism', steps: 6, topK: 4, verifiedTokens: 16 } as never, settings: loadSuite(writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\n')).settings, host: '127.0.0.1', port: 1, logFile: join(tempDir(), 'x.log'), options: {} });
    assert.deepEqual(args.slice(args.indexOf('--steps'), args.indexOf('--steps') + 6), ['--steps', '6', '--topk', '4', '--drafted-tokens', '15']);
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: eagle3, model: x}]\n', 'drafts[0].model', /remove model/);
    expectEngineError('engines: [{name: reference}]\ndrafts: [{method: prism, stepMap: [0, 7]}]\n', 'drafts[0].stepMap[1]', /name modules 0..1/, /module 7 does not exist/);
  });
  it('suffix: passes the fields set as serve flags and leaves the rest to the engine\'s defaults; refuses fields out of range', () => {
    const settings = loadSuite(writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\n')).settings;
    const args = (draft: Record<string, unknown>) => referenceArgs({ draft: { name: 's', method: 'suffix', ...draft } as never, settings, host: '127.0.0.1', port: 1, logFile: join(tempDir(), 'x.log'), options: {} });
    assert.deepEqual(args({}).slice(0, 3), ['serve', '--draft', 'suffix']);
    assert.ok(!args({}).some((a) => a.startsWith('--suffix') || a === '--drafted-tokens'));
    const all = args({ draftedTokens: 8, suffixMaxTreeDepth: 16, suffixMaxCachedRequests: 0, suffixMaxSpecFactor: 2, suffixMinTokenProb: 0.25 });
    assert.deepEqual(all.slice(all.indexOf('--drafted-tokens')), ['--drafted-tokens', '8', '--suffix-max-tree-depth', '16', '--suffix-max-cached-requests', '0', '--suffix-max-spec-factor', '2', '--suffix-min-token-prob', '0.25']);
    assert.deepEqual(suiteEngineProblems(loadSuite(writeTemp('engines: [{name: reference}]\ndrafts: [{method: suffix, suffixMaxCachedRequests: 0}]\n'))), []);
    const expectSuiteError = (text: string, path: string, fix: RegExp, problem: RegExp) => { const file = writeTemp(text); assertSuiteError(() => loadSuite(file), file, path, fix, problem); };
    expectSuiteError('engines: [{name: reference}]\ndrafts: [{method: suffix, suffixMinTokenProb: 1.5}]\n', 'drafts[0].suffixMinTokenProb', /set suffixMinTokenProb to a number such as 0.1/, /expected a number from 0 to 1, got 1.5/);
    expectSuiteError('engines: [{name: reference}]\ndrafts: [{method: suffix, suffixMaxTreeDepth: 1}]\n', 'drafts[0].suffixMaxTreeDepth', /whole number such as 24/, /expected an integer >= 2/);
  });
  it('launch runs the same check', () => {
    assert.throws(() => referenceArgs({ draft: { name: 'm', method: 'hass' }, settings: loadSuite(writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\n')).settings, host: '127.0.0.1', port: 1, logFile: join(tempDir(), 'x.log'), options: {} }),
      /draft 'm'.method: method hass is not offered by the reference engine/);
  });
});

describe('checkSuiteEngines: sglang, and every engine has an adapter', () => {
  it('requires model and a draft model for learned drafts', () => {
    expectEngineError('engines: [{name: sglang}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.model', /add model:/, /missing/);
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: eagle3}]\n', 'drafts[0]', /set model: on the draft, or the engine's options.draftModel \(engine sglang\)/);
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw, draftModel: d}}]\ndrafts: [{method: eagle3, steps: 3}]\n', 'drafts[0]', /set all three/);
    // issue 27: DFLASH takes a block, not a tree; NEXTN needs no draft model
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: dflash, model: d, topK: 2}]\n', 'drafts[0].topK', /set topK: 1 or leave it out/, /a DFlash block is one chain/);
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: dflash, model: d, steps: 7, verifiedTokens: 16}]\n', 'drafts[0].verifiedTokens', /set verifiedTokens: 8/);
    expectEngineError('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: dflash}]\n', 'drafts[0]', /set model: on the draft/);
    checkSuiteEngines(loadSuite(writeTemp('engines: [{name: sglang, options: {model: m, prompt: raw}}]\ndrafts: [{method: mtp}]\n')));
    expectEngineError('engines: [{name: sglang, options: {model: m, launcher: []}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.launcher', /give the command/);
  });
  it('every engine name a suite may give has an adapter (trtllm was the last without one)', () => {
    // besides them, the servers run --base-url attaches to, one per kind (no suite names those)
    const suiteNames = Object.keys(ADAPTERS).filter((k) => !k.startsWith('endpoint:'));
    assert.deepEqual(suiteNames.sort(), [...ENGINE_ADAPTERS].sort());
    assert.deepEqual(Object.keys(ADAPTERS).filter((k) => k.startsWith('endpoint:')).sort(), ENDPOINT_KINDS.map((k) => `endpoint:${k}`).sort());
  });

  it('chat prompts (the default) need a chat template the harness can read: the option, the file and field, the fix', () => {
    const hub = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = tempDir(); // no downloaded models: the test does not depend on this machine's cache
    try {
      expectEngineError('engines: [{name: sglang, options: {model: meta-llama/Meta-Llama-3-8B-Instruct}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.model',
        /set options\.chatTemplate to the chat template file .*, or set options\.prompt: raw/, /meta-llama\/Meta-Llama-3-8B-Instruct: no local files/);
      expectEngineError('engines: [{name: sglang, options: {model: m, chatTemplate: /nonexistent/llama3.jinja}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.chatTemplate',
        /give the path of a chat template file/, /no such file \/nonexistent\/llama3\.jinja/);
      const noField = join(tempDir(), 'no-template');
      mkdirSync(noField, { recursive: true });
      writeFileSync(join(noField, 'tokenizer_config.json'), '{"bos_token": "<s>"}');
      expectEngineError(`engines: [{name: sglang, options: {model: ${noField}}}]\ndrafts: [{method: vanilla}]\n`, 'engines[0].options.model',
        /options\.prompt: raw/, /no-template\/tokenizer_config\.json: field chat_template: missing/);
      // a template that rejects every conversation is caught before launch, not mid-run
      const strict = writeTemp('{{ raise_exception("a system message is required") }}', 'jinja');
      expectEngineError(`engines: [{name: sglang, options: {model: m, chatTemplate: ${strict}}}]\ndrafts: [{method: vanilla}]\n`, 'engines[0].options.chatTemplate',
        /fix the template, or set options\.prompt: raw/, /the template fails on a two-turn conversation \(a system message is required\)/);
      expectEngineError('engines: [{name: sglang, options: {model: m, prompt: chatml}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.prompt', /set prompt to one of: chat, raw/);
      // raw prompts read no template
      assert.deepEqual(suiteEngineProblems(loadSuite(writeTemp('engines: [{name: sglang, options: {model: meta-llama/Meta-Llama-3-8B-Instruct, prompt: raw}}]\ndrafts: [{method: vanilla}]\n'))), []);
    } finally {
      if (hub === undefined) delete process.env.HF_HUB_CACHE; else process.env.HF_HUB_CACHE = hub;
    }
  });
});

describe('the docs show only options the engines accept', () => {
  it('every engine in the YAML examples of the README and docs/*.md passes its adapter\'s options schema', () => {
    let checked = 0;
    const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    for (const doc of docs) {
      for (const m of readFileSync(join(ROOT, doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)) {
        const y = parse(m[1]!) as { engines?: { name: string; options?: Record<string, unknown> }[] } | null;
        for (const e of y?.engines ?? []) {
          const adapter = ADAPTERS[e.name];
          assert.ok(adapter, `${doc}: engine ${e.name} has an adapter`);
          const r = adapter.accepts.options.safeParse(e.options ?? {});
          assert.ok(r.success, `${doc}: options of ${e.name}: ${r.success ? '' : r.error.message}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 3, `checked ${checked} engines`);
  });
});

describe('the shipped suites', () => {
  const dir = fileURLToPath(new URL('../../suites/', import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    it(`${file} loads and every draft passes its engine's launch checks (the draft files included)`, () => {
      for (const quick of [false, true]) assert.deepEqual(suiteEngineProblems(loadSuite(join(dir, file), { quick })), [], `${file}${quick ? ' --quick' : ''}`);
    });
  }
  it('paper.yaml names every draft method the reference engine has, trees where the method drafts one', () => {
    const suite = loadSuite(join(dir, 'paper.yaml'));
    assert.deepEqual(suite.drafts.map((d) => d.method).sort(), [...REFERENCE_DRAFT_METHODS].sort());
    for (const d of suite.drafts) {
      if (d.method === 'vanilla' || d.method === 'ngram') continue;
      // suffix decoding drafts a tree from its counts: only its size is set
      if (d.method === 'suffix') { assert.equal(d.draftedTokens, 16, d.name); continue; }
      assert.deepEqual({ steps: (d as LearnedDraft).steps, topK: (d as LearnedDraft).topK, verifiedTokens: (d as LearnedDraft).verifiedTokens }, { steps: 6, topK: 4, verifiedTokens: 16 }, d.name);
    }
  });
});

describe('sglang preset prism-ae', () => {
  it('launches every cell as the PRISM artifact launched its end-to-end table; vanilla without the speculative flags', () => {
    const suite = loadSuite(writeTemp(`engines: [{name: sglang, options: {model: meta-llama/Meta-Llama-3-8B-Instruct, preset: prism-ae, prompt: raw}}]
drafts:
  - {name: vanilla, method: vanilla}
  - {name: prism, method: prism, model: /models/prism, steps: 6, topK: 4, verifiedTokens: 16}
`));
    const args = (d: number) => sglangArgs({ draft: suite.drafts[d], settings: suite.settings, host: '127.0.0.1', port: 30000, logFile: join(tempDir(), 'x.log'), options: suite.engines[0].options });
    const common = ['--dtype', 'bfloat16', '--cuda-graph-max-bs', '1', '--max-running-requests', '1'];
    assert.deepEqual(args(0), ['--model-path', 'meta-llama/Meta-Llama-3-8B-Instruct', '--host', '127.0.0.1', '--port', '30000', ...common]);
    assert.deepEqual(args(1), ['--model-path', 'meta-llama/Meta-Llama-3-8B-Instruct', '--host', '127.0.0.1', '--port', '30000',
      '--speculative-algorithm', 'LD', '--speculative-draft-model-path', '/models/prism', '--speculative-num-steps', '6', '--speculative-eagle-topk', '4', '--speculative-num-draft-tokens', '16', ...common]);
    expectEngineError('engines: [{name: sglang, options: {model: m, preset: eagle}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.preset', /prism-ae/);
  });
});
