// Every shell command shown in README.md and docs/*.md works as written (docs/development.md,
// "Commands in the docs are tested"):
// - a block fenced ```sh runnable (GitHub ignores the words after the language) runs as it stands
//   with bash -euo pipefail in the repository root, two blocks at a time, each with a timeout;
// - in every other sh/bash block, each `prism-bench run ...` line runs with --dry-run appended
//   (--resume lines, which need a run directory, are skipped), so a mistyped flag or suite path
//   fails here;
// - relative links between the pages point at files and headings that exist;
// - the README's command table and docs/cli.md name every top-level command.
// `npx prism-bench` and `prism-bench` run `node bin/prism-bench.js` through shims on PATH (npx
// itself adds seconds per call); PRISM_DOCS_REAL_NPX=1 leaves npx as it is. Every node start-up
// of the CLI costs about 2 s of CPU, so a runnable block made only of `prism-bench ... --help`
// lines runs in this process instead, through the same runProgram(buildProgram()) that
// bin/prism-bench.js calls (13 start-ups saved); PRISM_DOCS_ALL_BASH=1 runs those through bash too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHELLS = new Set(['sh', 'bash', 'shell', 'zsh']);
const CONCURRENCY = 2;
/** Seconds a block may take per prism-bench call in it (a call takes 2-8 s on a busy 2-core machine). */
const SECONDS_PER_CALL = 30;

export interface Block {
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  lang: string;
  runnable: boolean;
  /** lines between the fences */
  body: string[];
}

/** The fenced code blocks of a Markdown file (``` or ~~~, any length, with an info string). */
export function extractBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  let open: { fence: string; block: Block } | null = null;
  lines.forEach((line, i) => {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === open.fence[0] && close[1]!.length >= open.fence.length) {
        blocks.push(open.block);
        open = null;
      } else open.block.body.push(line);
      return;
    }
    const m = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)(.*)$/.exec(line);
    if (!m) return;
    const words = m[3]!.trim().split(/\s+/).filter(Boolean);
    open = { fence: m[1]!, block: { file, line: i + 1, lang: m[2]!.toLowerCase(), runnable: words.includes('runnable'), body: [] } };
  });
  return blocks;
}

/** Logical lines of a shell block: backslash continuations joined, with the line each starts on. */
function logicalLines(block: Block): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let cur: { line: number; text: string } | null = null;
  block.body.forEach((raw, i) => {
    const continued = /\\$/.test(raw);
    const piece = continued ? raw.slice(0, -1) : raw;
    if (cur) cur.text += ' ' + piece.trim();
    else cur = { line: block.line + 1 + i, text: piece };
    if (!continued) { out.push(cur); cur = null; }
  });
  if (cur) out.push(cur);
  return out;
}

/** The text of one shell command line up to its first unquoted comment or list operator. */
function firstCommand(text: string, from = 0): string {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '\\') { i++; continue; }
    if (c === '"' || c === "'") { quote = c; continue; }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) return text.slice(from, i);
    if (c === ';' || c === '|' || c === '&') return text.slice(from, i);
  }
  return text.slice(from);
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
const HELP = /^(?:npx )?prism-bench(?: [a-z][a-z-]*)* --help$/;
const RUN = /(?:^|[\s;&|(])((?:npx\s+)?prism-bench|node\s+bin\/prism-bench\.js)\s+run(?=\s|$)/g;

export interface Check {
  file: string;
  line: number;
  script: string;
  /** why it runs: a runnable block, or an unmarked `run` line checked with --dry-run */
  kind: 'runnable' | 'dry-run';
  /** for a block of `prism-bench ... --help` lines only: each line's arguments */
  help?: string[][];
  /** rough cost, for scheduling the longest first */
  calls: number;
}

/** What the test runs for one Markdown file's blocks; `seen` dedupes dry-runs across files. */
export function checksFor(blocks: Block[], seen: Set<string>): Check[] {
  const checks: Check[] = [];
  for (const b of blocks.filter((x) => SHELLS.has(x.lang) && x.runnable)) {
    const lines = logicalLines(b).map((l) => norm(firstCommand(l.text))).filter(Boolean);
    for (const l of lines) seen.add(l);
    const help = lines.every((l) => HELP.test(l)) ? lines.map((l) => l.replace(/^(npx )?prism-bench /, '').split(' ')) : undefined;
    checks.push({ file: b.file, line: b.line, script: b.body.join('\n'), kind: 'runnable', calls: costOf(b.body.join('\n')), help });
  }
  for (const b of blocks.filter((x) => SHELLS.has(x.lang) && !x.runnable)) {
    for (const l of logicalLines(b)) {
      for (const m of l.text.matchAll(RUN)) {
        const cmd = norm(firstCommand(l.text, m.index! + (/^[\s;&|(]/.test(m[0]) ? 1 : 0)));
        if (/(^|\s)--resume(\s|=|$)/.test(cmd)) continue;
        const dry = /(^|\s)--dry-run(\s|$)/.test(cmd) ? cmd : `${cmd} --dry-run`;
        if (seen.has(dry)) continue;
        seen.add(dry);
        checks.push({ file: b.file, line: l.line, script: dry, kind: 'dry-run', calls: 2.5 });
      }
    }
  }
  return checks;
}

function costOf(script: string): number {
  let calls = 0;
  for (const m of script.matchAll(/prism-bench(?:\.js)?\s+(\S+)[^\n]*/g)) calls += /--dry-run/.test(m[0]) ? 2.5 : 1;
  return Math.max(calls, 1);
}

function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

function findOnPath(name: string, skip: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || resolve(dir) === resolve(skip)) continue;
    const p = join(dir, name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* not here */ }
  }
  return undefined;
}

/** A scratch TMPDIR (removed afterwards) with shims for prism-bench and npx, and tsx's cache kept warm. */
function sandbox(): { env: NodeJS.ProcessEnv; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'prism-docs-'));
  const bin = join(root, 'bin');
  const tmp = join(root, 'tmp');
  mkdirSync(bin);
  mkdirSync(tmp);
  const entry = join(ROOT, 'bin', 'prism-bench.js');
  const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(bin, 'prism-bench'), `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(entry)} "$@"\n`, { mode: 0o755 });
  if (process.env.PRISM_DOCS_REAL_NPX !== '1') {
    const npx = findOnPath('npx', bin);
    writeFileSync(join(bin, 'npx'), `#!/bin/sh\nif [ "$1" = prism-bench ]; then shift; exec ${sh(process.execPath)} ${sh(entry)} "$@"; fi\n${npx ? `exec ${sh(npx)} "$@"` : 'echo "npx not found" >&2; exit 127'}\n`, { mode: 0o755 });
  }
  // tsx caches compiled files under $TMPDIR/tsx-<uid>: share the real one, or every call compiles afresh
  const uid = (() => { try { return String(userInfo().uid); } catch { return ''; } })();
  const cache = join(tmpdir(), `tsx-${uid}`);
  if (uid && existsSync(cache)) symlinkSync(cache, join(tmp, `tsx-${uid}`));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, TMPDIR: tmp, NO_COLOR: '1' };
  delete env.GITHUB_STEP_SUMMARY;
  delete env.FORCE_COLOR;
  delete env.NODE_TEST_CONTEXT;
  return { env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const tail = (s: string, lines: number) => s.trimEnd().split('\n').slice(-lines).join('\n');

interface Outcome { code: number | null; signal: string | null; stdout: string; stderr: string; seconds: number; timedOut: boolean }

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutS: number): Promise<Outcome> {
  // the ERR trap names the failing command and its line (line 1 is the trap itself)
  const full = `trap 'echo "runnable-blocks: line $((LINENO - 1)): exit $?: $BASH_COMMAND" >&2' ERR\n${script}\n`;
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', full], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '', stderr = '', timedOut = false;
    const keep = (s: string) => (s.length > 200_000 ? s.slice(-100_000) : s);
    child.stdout.on('data', (d: Buffer) => { stdout = keep(stdout + d.toString()); });
    child.stderr.on('data', (d: Buffer) => { stderr = keep(stderr + d.toString()); });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 2000).unref();
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000, timedOut });
    });
  });
}

function failure(c: Check, o: Outcome, timeoutS: number): string {
  const at = /runnable-blocks: line (\d+): exit (\d+): (.*)$/m.exec(o.stderr);
  const where = c.kind === 'runnable' && at ? `${c.file}:${c.line + Number(at[1])}` : `${c.file}:${c.line}`;
  const why = o.timedOut ? `timed out after ${timeoutS} s` : `exit ${o.code ?? o.signal}`;
  return [
    `${where}: ${c.kind === 'runnable' ? 'runnable block' : 'dry-run of a documented run line'} failed (${why})`,
    at ? `failed command: ${at[3]}` : `command:\n${c.script}`,
    '--- stderr (tail) ---',
    tail(o.stderr.replace(/^runnable-blocks: .*$/m, ''), 25) || '(empty)',
    '--- stdout (tail) ---',
    tail(o.stdout, 8) || '(empty)',
  ].join('\n');
}

test('the shell blocks of README.md and docs/*.md work as written', { concurrency: CONCURRENCY }, async (t) => {
  const seen = new Set<string>();
  const files = docFiles();
  const blocks = files.flatMap((f) => extractBlocks(f, readFileSync(join(ROOT, f), 'utf8')));
  // runnable blocks of every file first, so a dry-run that repeats one of them is not run twice
  const checks = checksFor(blocks.filter((b) => b.runnable), seen).concat(checksFor(blocks.filter((b) => !b.runnable), seen));
  assert.ok(checks.filter((c) => c.kind === 'runnable' && c.file === 'README.md').length >= 1, 'README.md has a runnable block');
  assert.ok(checks.filter((c) => c.kind === 'runnable').length >= 15, `found only ${checks.length} checks: did the marking change?`);
  const inProcess = process.env.PRISM_DOCS_ALL_BASH === '1' ? [] : checks.filter((c) => c.help);
  const bash = checks.filter((c) => !inProcess.includes(c));
  const t0 = Date.now();
  const name = (c: Check) => `${c.file}:${c.line} ${c.kind}: ${norm(firstCommand(c.script.split('\n').find((l) => l.includes('prism-bench')) ?? c.script)).slice(0, 100)}`;
  if (inProcess.length) {
    // one import of the CLI serves every --help block (no concurrent subtests run meanwhile)
    await t.test(`${inProcess.length} blocks of --help lines, in this process`, { concurrency: 1 }, async (tt) => {
      const { buildProgram } = await import('../../src/cli/main.ts');
      const { runProgram } = await import('../../src/cli/program.ts');
      for (const c of inProcess) {
        await tt.test(name(c), async () => {
          for (const args of c.help!) {
            const program = buildProgram();
            let out = '', err = '';
            const quiet = (cmd: typeof program) => {
              cmd.configureOutput({ writeOut: (s) => { out += s; }, writeErr: (s) => { err += s; } });
              cmd.commands.forEach(quiet);
            };
            quiet(program);
            const saved = process.exitCode;
            process.exitCode = undefined;
            const code = await runProgram(program, [process.execPath, 'prism-bench', ...args]);
            process.exitCode = saved;
            // commander answers `prism-bench typo --help` with the top-level help and exit 0, so check whose help it is
            const usage = `Usage: ${['prism-bench', ...args.slice(0, -1)].join(' ')} `;
            assert.ok(code === 0 && out.startsWith(usage), `${c.file}:${c.line}: prism-bench ${args.join(' ')}: expected exit 0 and help starting "${usage.trim()}", got exit ${code}\n--- stderr ---\n${tail(err, 25) || '(empty)'}\n--- stdout ---\n${tail(out, 8) || '(empty)'}`);
          }
        });
      }
    });
  }
  const { env, cleanup } = sandbox();
  t.after(cleanup);
  bash.sort((a, b) => b.calls - a.calls); // longest first: two at a time finish together
  await Promise.all(bash.map((c) => t.test(name(c), async () => {
    const timeoutS = Math.max(SECONDS_PER_CALL, Math.ceil(SECONDS_PER_CALL * c.calls));
    const o = await runBash(c.script, env, timeoutS);
    assert.ok(o.code === 0 && !o.timedOut, failure(c, o, timeoutS));
  })));
  t.diagnostic(`${checks.length} checks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
export function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const count = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) { if (!fence) fence = f[1]!; else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = null; continue; }
    if (fence) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const text = h[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

test('relative links between README.md and docs/*.md point at files and headings that exist', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of docFiles()) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    let fence: string | null = null;
    text.split('\n').forEach((line, i) => {
      const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (f) { if (!fence) fence = f[1]!; else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = null; return; }
      if (fence) return;
      const prose = line.replace(/(`+)(?:(?!\1).)*?\1/g, '');
      for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const abs = path ? resolve(dirname(join(ROOT, file)), path) : join(ROOT, file);
        checked++;
        if (!existsSync(abs)) { problems.push(`${file}:${i + 1}: ${target}: no such file ${relative(ROOT, abs)}`); continue; }
        if (anchor !== undefined && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(anchor)) {
          problems.push(`${file}:${i + 1}: ${target}: no heading #${anchor} in ${relative(ROOT, abs)}`);
        }
      }
    });
  }
  assert.ok(checked > 50, `checked only ${checked} links`);
  assert.deepEqual(problems, []);
});

test('README.md lists every top-level command once, and docs/cli.md runs each one\'s --help', async () => {
  const { buildProgram } = await import('../../src/cli/main.ts');
  const commands = buildProgram().commands.map((c) => c.name()).filter((n) => n !== 'help');
  assert.ok(commands.length >= 10, commands.join(' '));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const cli = extractBlocks('docs/cli.md', readFileSync(join(ROOT, 'docs/cli.md'), 'utf8')).filter((b) => b.runnable);
  for (const name of commands) {
    assert.equal(readme.split('\n').filter((l) => l.startsWith(`| \`${name}\` |`)).length, 1, `README.md: one row "| \`${name}\` |" in the command table`);
    assert.ok(cli.some((b) => b.body.some((l) => norm(l) === `npx prism-bench ${name} --help`)), `docs/cli.md: a runnable block with "npx prism-bench ${name} --help"`);
  }
  assert.ok(readme.includes('npm ci && npx prism-bench run '), 'README.md: the first command on a fresh clone');
  assert.ok(readme.includes('npm ci && npm test '), 'README.md: the second command on a fresh clone');
});
