#!/usr/bin/env node
// Checks the import graph of src/: no circles, and the layer rules below. Reads the static
// `import ... from '...'`, `import '...'` and `export ... from '...'` specifiers of every
// src/**/*.ts file (type-only imports count too: a circle of types is still a circle of
// modules), resolves the relative ones to files, and reports
//   - every circle (each strongly connected component of more than one module, with one
//     concrete path through it), and
//   - every import that breaks a layer rule.
// Exit code 0 when both lists are empty (known exceptions aside), 1 otherwise. `--json` prints
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
  { from: 'runner/', not: ['gate/', 'report/', 'cli/'], why: 'the runner measures; comparing and rendering are later layers' },
  { from: 'stats/', not: ['gate/', 'report/', 'runner/', 'engines/', 'cli/', 'audit/', 'sweep/', 'importers/'], why: 'statistics is a core the other layers call' },
  { from: 'gate/', not: ['report/', 'runner/', 'cli/'], except: ['report/numbers.ts'], why: 'the gate decides; report/ renders its decisions (the gate uses only the formatting leaf)' },
  { from: 'report/numbers.ts', not: [''], why: 'the formatting leaf imports nothing from the project' },
  { from: 'report/', not: ['runner/', 'cli/'], why: 'reports render results and comparisons; they run nothing' },
  { from: 'engines/', not: ['runner/', 'gate/', 'report/', 'cli/'], why: 'engines know nothing of the harness above them' },
  { from: '', not: ['cli/'], exceptFrom: ['cli/'], why: 'only the command line imports the command line' },
];

/**
 * Circles that are known and left to someone else, by their members. A circle is excused only
 * when every module in it is listed here.
 */
export const KNOWN_CIRCLES = [];

const SPECIFIER = /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

/** Static import and re-export specifiers of one file's text (comments stripped first). */
export function specifiers(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => m[1]);
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

/** The graph of src/: module (relative to src/, '/' separators) -> the src modules it imports. */
export function importGraph(root) {
  const src = join(root, 'src');
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

export function check(root) {
  const graph = importGraph(root);
  const found = circles(graph);
  const known = [], unknown = [];
  for (const c of found) {
    const k = KNOWN_CIRCLES.find((x) => c.members.every((m) => x.members.includes(m)));
    if (k) known.push({ ...c, label: k.label }); else unknown.push(c);
  }
  const edges = [...graph.values()].reduce((a, d) => a + d.length, 0);
  return { modules: graph.size, edges, circles: unknown, knownCircles: known, violations: violations(graph), rules: RULES.map((r) => `${r.from || 'src/'} imports nothing from ${r.not.map((p) => p || 'the project').join(', ')}${r.except ? ` except ${r.except.join(', ')}` : ''}${r.exceptFrom ? ` (but ${r.exceptFrom.join(', ')} may)` : ''}`) };
}

function main() {
  const args = process.argv.slice(2);
  const root = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('..', import.meta.url));
  const r = check(root);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } else {
    const lines = [`src/: ${r.modules} modules, ${r.edges} imports`];
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
