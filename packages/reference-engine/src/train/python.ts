// Which python runs a trainer. Users' GPU machines put a virtual environment with a CUDA build of
// torch first on PATH while /usr/bin/python3 has none; Debian's python3-torch (the CPU path) installs
// for /usr/bin/python3 while a python3 earlier on PATH may lack it. So each candidate is asked, in
// order, whether it can do the job, and the first that can is used.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** What the trainer imports: torch for the drafts, numpy or CuPy for the target. */
export type PythonNeed = 'torch' | 'torch-cuda' | 'numpy' | 'cupy';

export interface PythonCandidate {
  /** where it came from: --python, $PRISM_PYTHON, python3 on PATH, /usr/bin/python3 */
  source: string;
  /** the executable (absolute where it was found on PATH) or null when there is none */
  path: string | null;
}

export interface PythonChoice { path: string; source: string; detail: string }

/** A trainer with no usable python: one line listing each candidate and what it lacked. */
export class NoPythonError extends Error {}

const PROBES: Record<PythonNeed, string> = {
  torch: 'import torch; print("torch " + torch.__version__)',
  'torch-cuda': 'import torch\nif not torch.cuda.is_available(): raise SystemExit("torch " + torch.__version__ + " without CUDA (torch.cuda.is_available() is False)")\nprint("torch " + torch.__version__ + " with CUDA")',
  numpy: 'import numpy; print("numpy " + numpy.__version__)',
  cupy: 'import cupy; cupy.cuda.runtime.getDeviceCount(); print("cupy " + cupy.__version__)',
};

const NEED_TEXT: Record<PythonNeed, string> = {
  torch: 'torch', 'torch-cuda': 'torch with CUDA', numpy: 'numpy', cupy: 'CuPy with a GPU',
};

/** `name` resolved over PATH as a shell would (the first executable file), or null. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const f = join(dir, name);
    try {
      if (statSync(f).isFile()) { accessSync(f, constants.X_OK); return f; }
    } catch { /* not here */ }
  }
  return null;
}

/**
 * The candidates in the order they are tried. CUDA (and any --python or $PRISM_PYTHON): --python,
 * $PRISM_PYTHON, python3 on PATH, /usr/bin/python3. CPU torch keeps /usr/bin/python3 before PATH
 * (where Debian's python3-torch lives); the numpy target keeps PATH first, as it always ran there.
 */
export function pythonCandidates(need: PythonNeed, explicit?: string, env: NodeJS.ProcessEnv = process.env, systemPython = '/usr/bin/python3'): PythonCandidate[] {
  const list: PythonCandidate[] = [];
  if (explicit) list.push({ source: '--python', path: isAbsolute(explicit) || explicit.includes('/') ? explicit : onPath(explicit, env.PATH) ?? explicit });
  if (env.PRISM_PYTHON) list.push({ source: '$PRISM_PYTHON', path: env.PRISM_PYTHON });
  const pathPython: PythonCandidate = { source: 'python3 on PATH', path: onPath('python3', env.PATH) };
  const system: PythonCandidate = { source: systemPython, path: existsSync(systemPython) ? systemPython : null };
  if (need === 'torch') list.push(system, pathPython); else list.push(pathPython, system);
  // the same file twice (PATH's python3 is /usr/bin/python3) is asked once
  return list.filter((c, i) => c.path === null || list.findIndex((d) => d.path === c.path) === i);
}

/** Asks one interpreter whether it has what the trainer needs: null when it does, else what it lacked. */
export function probePython(path: string, need: PythonNeed): { ok: true; detail: string } | { ok: false; lacked: string } {
  const r = spawnSync(path, ['-c', PROBES[need]], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, lacked: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message };
  if (r.status === 0) return { ok: true, detail: r.stdout.trim() };
  // the last line of a traceback says what was missing ("ModuleNotFoundError: No module named 'torch'")
  const last = `${r.stderr}`.trim().split('\n').pop()?.trim() || `exit ${r.status}`;
  return { ok: false, lacked: last.replace(/^ModuleNotFoundError: /, '') };
}

/** The first candidate that has what `need` asks for; a NoPythonError listing every one when none has. */
export function choosePython(need: PythonNeed, explicit?: string, env: NodeJS.ProcessEnv = process.env, systemPython = '/usr/bin/python3'): PythonChoice {
  const tried: string[] = [];
  for (const c of pythonCandidates(need, explicit, env, systemPython)) {
    if (c.path === null) { tried.push(`${c.source}: not found`); continue; }
    const p = probePython(c.path, need);
    if (p.ok) return { path: c.path, source: c.source, detail: p.detail };
    tried.push(`${c.source} (${c.path}): ${p.lacked}`);
  }
  throw new NoPythonError(`no python with ${NEED_TEXT[need]} found; tried ${tried.join('; ')} -- install it, or name one with --python or $PRISM_PYTHON`);
}
