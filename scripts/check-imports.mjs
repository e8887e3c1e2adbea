#!/usr/bin/env node
// Checks the import graph of src/: no circles, and the layer rules below. Reads the static
// `import ... from '...'`, `import '...'` and `export ... from '...'` specifiers of every
// src/**/*.ts file (type-only imports count too: a circle of types is still a circle of
// modules), resolves the relative ones to files, and reports
//   - every circle (each strongly connected component of more than one module, with one
//     concrete path through it), and
//   - every import that breaks a layer rule.
// The reference engine's package (packages/reference-engine) is read the same way (its own
// circles), and the boundary between the two is checked both ways, dynamic import() included:
//   - the harness (src/) imports the engine only by its package name, and only its ./contract,
//     except the `serve` and `train` commands' actions (loaded only by import(), when those
//     commands run the engine), which may import its main entry;
//   - the engine (its src/, test/, bench/) imports nothing outside its package: not the
//     harness's src/, not prism-bench.
// Exit code 0 when the lists are empty (known exceptions aside), 1 otherwise. `--json` prints
// the findings as JSON (what test/scripts/check-imports.test.ts reads).
//
// Usage: node scripts/check-imports.mjs [--json] [ROOT]   (ROOT defaults to this repository)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Layer rules: a module under `from` may not import a module under any of `not`, except the
 * modules listed in `except`. Paths are relative to src/, with '/' separators.
 */
export const RULES = [
  { from: 'runner/', not: ['gate/', 'report/', 'cli/'], except: ['report/numbers.ts'], why: 'the runner measures; comparing and rendering are later layers (its notes use only the formatting leaf)' },
  { from: 'stats/', not: ['gate/', 'report/', 'runner/', 'engines/', 'cli/', 'audit/', 'sweep/', 'importers/'], why: 'statistics is a core the other layers call' },
  { from: 'gate/', not: ['report/', 'runner/', 'cli/'], except: ['report/numbers.ts'], why: 'the gate decides; report/ renders its decisions (the gate uses only the formatting leaf)' },
  { from: 'report/numbers.ts', not: [''], why: 'the formatting leaf imports nothing from the project' },
  { from: 'report/', not: ['runner/', 'cli/'], why: 'reports render results and comparisons; they run nothing' },
  { from: 'engines/', not: ['runner/', 'gate/', 'report/', 'cli/'], why: 'engines know nothing of the harness above them' },
  { from: '', not: ['cli/'], exceptFrom: ['cli/'], why: 'only the command line imports the command line' },
];

/** The reference engine's package and the ways into it (entry: a subpath of its exports, '.' the main entry). */
export const ENGINE = {
  dir: 'packages/reference-engine',
  name: '@prism-bench/reference-engine',
  /** harness modules (relative to src/; '' = all) and the entries each may import */
  entries: [
    { from: '', entries: ['contract'] },
    { from: 'cli/actions/serve.ts', entries: ['contract', '.'], lazy: true },
    { from: 'cli/actions/train.ts', entries: ['contract', '.'], lazy: true },
    // profile times the engine in process from its own timers (no HTTP in the figures)
    { from: 'cli/actions/profile.ts', entries: ['contract', '.'], lazy: true },
  ],
};

/**
 * Circles that are known and left to someone else, by their members. A circle is excused only
 * when every module in it is listed here.
 */
export const KNOWN_CIRCLES = [];

const SPECIFIER = /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

const DYNAMIC = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const TYPE_ONLY = /(?:^|[\n;])\s*(?:import|export)\s+type\s+[^'";]*?\s+from\s+['"]([^'"]+)['"]/g;

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

/** Static import and re-export specifiers of one file's text (comments stripped first). */
export function specifiers(text) {
  return [...stripComments(text).matchAll(SPECIFIER)].map((m) => m[1]);
}

/** Every specifier of one file's text, each with how it is imported: 'static', 'type' (erased) or 'dynamic' (import()). */
export function allSpecifiers(text) {
  const code = stripComments(text);
  const typeOnly = [...code.matchAll(TYPE_ONLY)].map((m) => m[1]);
  const out = [];
  for (const s of [...code.matchAll(SPECIFIER)].map((m) => m[1])) {
    const i = typeOnly.indexOf(s);
    if (i >= 0) { typeOnly.splice(i, 1); out.push({ spec: s, kind: 'type' }); } else out.push({ spec: s, kind: 'static' });
  }
  for (const m of code.matchAll(DYNAMIC)) out.push({ spec: m[1], kind: 'dynamic' });
  return out;
}

function tsFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The graph of src/ (or another source folder): module (relative to it, '/' separators) -> the modules of that folder it imports. */
export function importGraph(root, dir = 'src') {
  const src = join(root, dir);
  if (!existsSync(src)) return new Map();
  const rel = (p) => relative(src, p).split(sep).join('/');
  const graph = new Map();
  for (const file of tsFiles(src)) {
    const deps = new Set();
    for (const s of specifiers(readFileSync(file, 'utf8'))) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(file), s);
      if (existsSync(target) && target.startsWith(src + sep)) deps.add(rel(target));
    }
    graph.set(rel(file), [...deps].sort());
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself), Tarjan's algorithm. */
export function circles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.map((members) => ({ members, path: cyclePath(graph, members) }));
}

/** One circle through the component, as a path that starts and ends at its first module. */
function cyclePath(graph, members) {
  const inside = new Set(members);
  const start = members[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [];
        for (let x = v; x !== null; x = prev.get(x)) path.unshift(x);
        return [...path, start];
      }
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
    }
  }
  return [start, start];
}

const under = (module, prefix) => prefix === '' || module === prefix || module.startsWith(prefix);

/** Every import that breaks a rule. */
export function violations(graph, rules = RULES) {
  const out = [];
  for (const [from, deps] of graph) {
    for (const rule of rules) {
      if (!under(from, rule.from) || (rule.exceptFrom ?? []).some((p) => under(from, p))) continue;
      for (const to of deps) {
        if ((rule.except ?? []).includes(to)) continue;
        const hit = rule.not.find((p) => under(to, p) && !(p === '' && to === from));
        if (hit !== undefined) out.push({ from, to, rule: `${rule.from || 'src/'} imports nothing from ${hit || 'the project'}${rule.except ? ` (except ${rule.except.join(', ')})` : ''}: ${rule.why}` });
      }
    }
  }
  return out;
}

const engineSpecifier = (s) => s === ENGINE.name || s.startsWith(`${ENGINE.name}/`);

/** Every import across the boundary between the harness and the reference engine's package that breaks it. */
export function boundaryViolations(root) {
  const out = [];
  const src = join(root, 'src');
  const pkg = join(root, ENGINE.dir);
  const lazy = ENGINE.entries.filter((e) => e.lazy).map((e) => e.from);
  if (existsSync(src)) {
    for (const file of tsFiles(src)) {
      const from = relative(src, file).split(sep).join('/');
      const allowed = ENGINE.entries.filter((e) => under(from, e.from)).flatMap((e) => e.entries);
      for (const { spec, kind } of allSpecifiers(readFileSync(file, 'utf8'))) {
        if (engineSpecifier(spec)) {
          const entry = spec === ENGINE.name ? '.' : spec.slice(ENGINE.name.length + 1);
          if (!allowed.includes(entry)) out.push({ from: `src/${from}`, to: spec, rule: `the harness imports ${ENGINE.name} only through ./contract (the serve, train and profile actions also its main entry): it talks to the engine over HTTP` });
        } else if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (target.startsWith(pkg + sep)) out.push({ from: `src/${from}`, to: relative(root, target).split(sep).join('/'), rule: `the harness reaches the reference engine by its package name (${ENGINE.name}/contract), never by path` });
          const to = relative(src, target).split(sep).join('/');
          if (lazy.includes(to) && kind === 'static') out.push({ from: `src/${from}`, to: `src/${to}`, rule: 'a module that loads the engine\'s main entry is imported only by import(), when its command runs (or with import type)' });
        }
      }
    }
  }
  for (const d of ['src', 'test', 'bench']) {
    if (!existsSync(join(pkg, d))) continue;
    for (const file of tsFiles(join(pkg, d))) {
      const from = relative(root, file).split(sep).join('/');
      for (const { spec } of allSpecifiers(readFileSync(file, 'utf8'))) {
        const outside = spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(pkg + sep);
        if (outside || spec === 'prism-bench' || spec.startsWith('prism-bench/')) {
          out.push({ from, to: spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : spec, rule: `${ENGINE.dir} imports nothing outside its package (not the harness): it is launched as a process and spoken to over HTTP` });
        }
      }
    }
  }
  return out;
}

export function check(root) {
  const graph = importGraph(root);
  const engineGraph = importGraph(root, `${ENGINE.dir}/src`);
  const found = [...circles(graph), ...circles(engineGraph).map((c) => ({ members: c.members.map((m) => `${ENGINE.dir}/src/${m}`), path: c.path.map((m) => `${ENGINE.dir}/src/${m}`) }))];
  const known = [], unknown = [];
  for (const c of found) {
    const k = KNOWN_CIRCLES.find((x) => c.members.every((m) => x.members.includes(m)));
    if (k) known.push({ ...c, label: k.label }); else unknown.push(c);
  }
  const edges = [...graph.values()].reduce((a, d) => a + d.length, 0);
  const engineEdges = [...engineGraph.values()].reduce((a, d) => a + d.length, 0);
  return {
    modules: graph.size, edges, engineModules: engineGraph.size, engineEdges, circles: unknown, knownCircles: known,
    violations: [...violations(graph), ...boundaryViolations(root)],
    rules: [
      ...RULES.map((r) => `${r.from || 'src/'} imports nothing from ${r.not.map((p) => p || 'the project').join(', ')}${r.except ? ` except ${r.except.join(', ')}` : ''}${r.exceptFrom ? ` (but ${r.exceptFrom.join(', ')} may)` : ''}`),
      `src/ imports ${ENGINE.name} only as ${ENGINE.name}/contract, except ${ENGINE.entries.filter((e) => e.lazy).map((e) => e.from).join(' and ')} (also its main entry; imported only by import()), static and dynamic imports alike`,
      `${ENGINE.dir}/{src,test,bench} import nothing outside the package (not src/, not prism-bench)`,
    ],
  };
}

function main() {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('..', import.meta.url));
  const r = check(root);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    const lines = [`src/: ${r.modules} modules, ${r.edges} imports; ${ENGINE.dir}/src: ${r.engineModules} modules, ${r.engineEdges} imports`];
    const known = r.knownCircles.length ? ` (and ${r.knownCircles.length} known exception${r.knownCircles.length === 1 ? '' : 's'})` : '';
    lines.push(`${r.circles.length === 0 ? 'circles: none' : `circles: ${r.circles.length}`}${known}`);
    for (const c of r.circles) lines.push(`  circle: ${c.path.join(' -> ')}${c.members.length > c.path.length - 1 ? ` (component of ${c.members.length}: ${c.members.join(', ')})` : ''}`);
    for (const c of r.knownCircles) lines.push(`  known exception: ${c.path.join(' -> ')} (component: ${c.members.join(', ')}) -- ${c.label}`);
    lines.push('layer rules:');
    for (const rule of r.rules) lines.push(`  ${rule}`);
    lines.push(r.violations.length === 0 ? 'layer violations: none' : `layer violations: ${r.violations.length}`);
    for (const v of r.violations) lines.push(`  ${v.from} imports ${v.to} -- ${v.rule}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = r.circles.length > 0 || r.violations.length > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
