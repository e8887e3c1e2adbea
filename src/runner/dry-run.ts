// `run --dry-run`: what a run would do, exactly, without doing any of it. Every engine x draft
// group's launch command, environment and readiness probe, and for every cell the body of its
// first request, each from the adapter's own plan() and requestShape() (the same functions
// launch() and generate() use), so identical settings across engines can be checked by eye.
import type { Dataset, Engine, Suite, SuiteOverrides } from '../suite/types.ts';
import { loadSuiteDatasets } from '../suite/datasets.ts';
import { checkSuiteEngines } from '../engines/check.ts';
import { ADAPTERS, engineAdapter } from '../engines/index.ts';
import type { LaunchPlan, RequestShape } from '../engines/types.ts';
import type { AttachOption } from '../result/schema.ts';
import { engineDisplayName, planCells } from './plan.ts';
import { requestSeed } from './plan.ts';
import { shellQuote } from '../shell.ts';

/** The port shown in dry-run commands; a real run picks a free port at launch. */
export const DRY_RUN_PORT = 8000;
export const DRY_RUN_HOST = '127.0.0.1';

export interface DryRunCell {
  id: string;
  dataset: string;
  temperature: number;
  prompts: number;
  /** the cell's first request (first prompt, first turn, trial 1) as sent */
  firstRequest: RequestShape;
}

export interface DryRunGroup {
  key: string;
  engine: string;
  draft: string;
  method: string;
  launch: LaunchPlan;
  /** what this dry run shows differently from a run, such as a raw first request where the chat template is not available locally */
  note?: string;
  cells: DryRunCell[];
}

export interface DryRun {
  suite: string;
  quick: boolean;
  /** run's command-line overrides, when given */
  overrides?: SuiteOverrides;
  /** run --base-url: the server that would be attached to, what its info endpoints said, and what they left unverified */
  attach?: AttachOption;
  note: string;
  groups: DryRunGroup[];
}

/** Plans every launch and request of a suite. Throws SuiteError (exit 2) on bad input, before anything else. */
export function dryRun(given: Suite, attach?: AttachOption): DryRun {
  // a missing local model (its chat template) refuses a run, but a dry run still shows the launch lines
  const notes = new Map<Engine, string>();
  const engines = given.engines.map((e) => {
    const local = ADAPTERS[e.name]?.dryRunOptions?.(e.options);
    if (!local) return e;
    const swapped = { ...e, options: local.options };
    notes.set(swapped, local.note);
    return swapped;
  });
  const suite: Suite = { ...given, engines };
  checkSuiteEngines(suite);
  const datasets = new Map<string, Dataset>(loadSuiteDatasets(suite).map((d) => [d.name, d]));
  const s = suite.settings;
  const groups = planCells(suite).map((g): DryRunGroup => {
    const adapter = engineAdapter(g.engine.name);
    const logFile = `logs/${g.key.replace(/[^\w.-]+/g, '_')}-r1.log`;
    const launch = adapter.plan({ draft: g.draft, settings: s, host: DRY_RUN_HOST, port: DRY_RUN_PORT, logFile, options: g.engine.options });
    const cells = g.cells.map((c): DryRunCell => {
      const ds = datasets.get(c.dataset) as Dataset; // loadSuiteDatasets loaded every dataset the suite names
      const p = ds.prompts[0];
      const turns = p ? [p.turns[0]] : [''];
      const req = {
        text: adapter.formatPrompt(turns, []), maxNewTokens: s.maxNewTokens, temperature: c.temperature, topP: s.topP, topK: s.topK,
        ignoreEos: s.ignoreEos, seed: requestSeed(s.seed, c.dataset, c.temperature, p?.id ?? '', 0, 1), conversation: { turns, answers: [] },
      };
      return { id: c.id, dataset: c.dataset, temperature: c.temperature, prompts: ds.prompts.length, firstRequest: adapter.requestShape(req, g.engine.options) };
    });
    const note = notes.get(g.engine);
    return { key: g.key, engine: engineDisplayName(g.engine), draft: g.draft.name, method: g.draft.method, launch, ...(note ? { note } : {}), cells };
  });
  return {
    suite: suite.file, quick: suite.quickApplied, ...(suite.overrides ? { overrides: suite.overrides } : {}), ...(attach ? { attach } : {}),
    note: attach ? `nothing is launched: the cells run on the server at ${attach.baseUrl}; each cell's log in the run directory's logs/ says what was attached` : `nothing was launched; --port is a free port chosen at each launch (shown as ${DRY_RUN_PORT}); each engine's log goes to the run directory's logs/`,
    groups,
  };
}

/** What was learned from an attached server, as the dry run prints it. */
function renderAttach(a: AttachOption): string[] {
  const known = Object.entries(a.server).filter(([k, v]) => k !== 'read' && v !== null).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('|') : String(v)}`);
  const from = a.draftFrom === 'flag' ? '--draft-label' : a.draftFrom === 'suite' ? "the suite's only draft that fits" : "the server's info";
  return [
    `# attached server ${a.baseUrl} (kind ${a.kind}), read from ${a.server.read.join(', ')}: ${known.join(', ') || 'nothing about its settings'}`,
    `# draft ${a.draft} (named by ${from}); the suite's drafts are reduced to it`,
    ...a.unverified.map((u) => `# warning: ${u}`),
  ];
}


/** The dry run as text: one block per launch, then one line per cell with its first request's body. */
export function renderDryRun(d: DryRun): string {
  const lines = [`# dry run of ${d.suite}${d.quick ? ' (--quick)' : ''}: ${d.groups.length} launch(es), ${d.groups.reduce((a, g) => a + g.cells.length, 0)} cell(s)`];
  if (d.overrides) lines.push(`# overrides: ${JSON.stringify(d.overrides)}`);
  lines.push(`# ${d.note}`, '');
  if (d.attach) lines.push(...renderAttach(d.attach), '');
  for (const g of d.groups) {
    lines.push(`## ${g.key} (method ${g.method})`);
    const env = Object.entries(g.launch.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    if (g.launch.attach) lines.push(`attach: ${g.launch.attach} (nothing launched, nothing stopped)`);
    else {
      lines.push(`launch: ${[...env, ...g.launch.command.map(shellQuote)].join(' ')}`);
      lines.push(`env: ${env.length ? env.join(' ') : '(none beyond the harness\'s own)'}`);
    }
    lines.push(`ready: ${g.launch.ready}`);
    if (g.note) lines.push(`note: ${g.note}`);
    for (const f of g.launch.files ?? []) {
      lines.push(`file ${f.path} (written before launch):`);
      for (const l of f.text.trimEnd().split('\n')) lines.push(`  | ${l}`);
    }
    for (const c of g.cells) {
      lines.push(`cell ${c.id}: ${c.prompts} prompt(s); first request: ${c.firstRequest.method} ${c.firstRequest.path} ${JSON.stringify(c.firstRequest.body)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
