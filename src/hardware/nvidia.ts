// NVIDIA GPU discovery through nvidia-smi. The CSV parsers are pure and exported on their own so
// they can be tested on fixture text; the functions that run nvidia-smi never throw: a missing
// nvidia-smi means "no NVIDIA GPUs" (silently), a failing one means no GPUs plus a warning.
import { execa } from 'execa';
import type { GpuInfo, GpuProcess } from './types.ts';
import { PrismError } from '../errors.ts';

/** Fields of the main GPU query, in the order parseGpuQuery expects them. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'driver_version',
  'memory.total',
  'clocks.max.sm',
  'clocks.max.memory',
  'power.limit',
  'persistence_mode',
] as const;

/** Fields of the compute-app query, in the order parseComputeAppsQuery expects them. */
export const COMPUTE_APPS_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

const CSV = '--format=csv,noheader,nounits';
export const GPU_QUERY_ARGS: readonly string[] = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, CSV];
// compute_cap is asked for on its own: drivers older than ~510 reject the whole query over one
// unknown field, and the other fields matter more than the compute capability.
export const COMPUTE_CAP_ARGS: readonly string[] = ['--query-gpu=compute_cap', CSV];
export const COMPUTE_APPS_ARGS: readonly string[] = [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, CSV];

/** nvidia-smi can take seconds on a busy or misbehaving driver, but must never hang a run. */
export const NVIDIA_SMI_TIMEOUT_MS = 10_000;

export type NvidiaSmiOptions = {
  /** executable to run; default "nvidia-smi" looked up on PATH */
  command?: string;
  timeoutMs?: number;
};

export type NvidiaSmiRun =
  | { status: 'ok'; stdout: string }
  | { status: 'absent' }
  | { status: 'failed'; warning: string };

export type GpuQueryResult = { gpus: GpuInfo[]; warnings: string[] };
export type GpuProcessesResult = { processes: GpuProcess[]; warnings: string[] };

export class NvidiaSmiParseError extends PrismError {}

// ---------------------------------------------------------------------------------------------
// Pure parsing

/**
 * One CSV value: trimmed, or null for the placeholders nvidia-smi prints instead of a value
 * ("[N/A]", "[Not Supported]", "[Unknown Error]", "[Insufficient Permissions]", ...).
 */
export function parseSmiValue(raw: string | undefined): string | null {
  const v = (raw ?? '').trim();
  if (v === '' || v === 'N/A' || /^\[.*\]$/.test(v)) return null;
  return v;
}

function parseNumber(raw: string | undefined): number | null {
  const v = parseSmiValue(raw);
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseEnabled(raw: string | undefined): boolean | null {
  const v = parseSmiValue(raw);
  if (v === 'Enabled') return true;
  if (v === 'Disabled') return false;
  return null;
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

// nvidia-smi separates CSV values with ", " and never quotes them; splitting on exactly that
// keeps a bare comma inside a value (e.g. a process path) intact.
function fields(line: string): string[] {
  return line.split(', ').map((s) => s.trim());
}

/**
 * Parses `nvidia-smi --query-gpu=<GPU_QUERY_FIELDS> --format=csv,noheader,nounits` output.
 * computeCapability is left null (it comes from a separate query). Throws NvidiaSmiParseError
 * on a line that does not have the expected shape.
 */
export function parseGpuQuery(text: string): GpuInfo[] {
  const n = GPU_QUERY_FIELDS.length;
  return lines(text).map((line) => {
    const f = fields(line);
    if (f.length < n) throw new NvidiaSmiParseError(`nvidia-smi GPU line has ${f.length} fields, expected ${n}: ${line}`);
    // should a name itself contain ", ", the fields after it are still in place counted from
    // the end.
    const tail = f.slice(f.length - (n - 3));
    const index = Number(f[0]);
    if (!Number.isInteger(index)) throw new NvidiaSmiParseError(`nvidia-smi GPU line has no index: ${line}`);
    return {
      index,
      uuid: parseSmiValue(f[1]),
      name: parseSmiValue(f.slice(2, f.length - (n - 3)).join(', ')),
      pciBusId: parseSmiValue(tail[0]),
      driverVersion: parseSmiValue(tail[1]),
      memoryTotalMiB: parseNumber(tail[2]),
      maxSmClockMHz: parseNumber(tail[3]),
      maxMemoryClockMHz: parseNumber(tail[4]),
      powerLimitW: parseNumber(tail[5]),
      persistenceMode: parseEnabled(tail[6]),
      computeCapability: null,
    };
  });
}

/** Parses `nvidia-smi --query-gpu=compute_cap` output: one value per GPU, in index order. */
export function parseComputeCapQuery(text: string): (string | null)[] {
  return lines(text).map((l) => parseSmiValue(l));
}

/** Parses `nvidia-smi --query-compute-apps=<COMPUTE_APPS_FIELDS> --format=csv,noheader,nounits`. */
export function parseComputeAppsQuery(text: string): GpuProcess[] {
  return lines(text)
    .filter((l) => !/^No running/i.test(l)) // some driver versions print this instead of nothing
    .map((line) => {
      const f = fields(line);
      const pid = Number(f[1]);
      if (f.length < 4 || !Number.isInteger(pid)) throw new NvidiaSmiParseError(`nvidia-smi compute-app line is malformed: ${line}`);
      return {
        gpuUuid: f[0],
        pid,
        // a process path may contain commas; the used memory is always the last field
        processName: f.slice(2, -1).join(', '),
        usedMemoryMiB: parseNumber(f[f.length - 1]),
      };
    });
}

/** Puts each compute capability on the GPU at the same position; false if the counts differ. */
export function applyComputeCaps(gpus: GpuInfo[], caps: (string | null)[]): boolean {
  if (caps.length !== gpus.length) return false;
  gpus.forEach((g, i) => (g.computeCapability = caps[i]));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Running nvidia-smi

function firstLine(s: string): string {
  return s.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}

/** Runs nvidia-smi once; never throws. */
export async function runNvidiaSmi(args: readonly string[], opts: NvidiaSmiOptions = {}): Promise<NvidiaSmiRun> {
  const command = opts.command ?? 'nvidia-smi';
  const timeout = opts.timeoutMs ?? NVIDIA_SMI_TIMEOUT_MS;
  const r = await execa(command, args, { reject: false, timeout, stdin: 'ignore' });
  if (!r.failed) return { status: 'ok', stdout: String(r.stdout) };
  if (r.code === 'ENOENT') return { status: 'absent' };
  const what = `${command} ${args[0] ?? ''}`.trim();
  let detail: string;
  if (r.timedOut) detail = `timed out after ${timeout} ms`;
  else if (r.exitCode !== undefined) {
    // nvidia-smi prints its own errors on stdout ("NVIDIA-SMI has failed because ...")
    const msg = firstLine(String(r.stderr)) || firstLine(String(r.stdout));
    detail = `exit code ${r.exitCode}${msg ? `: ${msg}` : ''}`;
  } else detail = r.shortMessage ?? 'unknown error';
  return { status: 'failed', warning: `${what} failed: ${detail}` };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** All NVIDIA GPUs; [] without warnings when nvidia-smi is not installed. */
export async function queryGpus(opts: NvidiaSmiOptions = {}): Promise<GpuQueryResult> {
  // both queries at once: nvidia-smi start-up dominates and can take ~1 s without persistence mode
  const [main, caps] = await Promise.all([runNvidiaSmi(GPU_QUERY_ARGS, opts), runNvidiaSmi(COMPUTE_CAP_ARGS, opts)]);
  if (main.status === 'absent') return { gpus: [], warnings: [] };
  if (main.status === 'failed') return { gpus: [], warnings: [main.warning] };
  let gpus: GpuInfo[];
  try {
    gpus = parseGpuQuery(main.stdout);
  } catch (e) {
    return { gpus: [], warnings: [errorText(e)] };
  }
  const warnings: string[] = [];
  if (caps.status === 'failed') warnings.push(`${caps.warning} (computeCapability left unknown)`);
  else if (caps.status === 'ok') {
    const parsed = parseComputeCapQuery(caps.stdout);
    if (!applyComputeCaps(gpus, parsed)) {
      warnings.push(`nvidia-smi reported ${parsed.length} compute capabilities for ${gpus.length} GPUs (computeCapability left unknown)`);
    }
  }
  return { gpus, warnings };
}

/** Processes holding a CUDA context on any GPU (e.g. to check the GPUs are idle before a run). */
export async function gpuProcesses(opts: NvidiaSmiOptions = {}): Promise<GpuProcessesResult> {
  const r = await runNvidiaSmi(COMPUTE_APPS_ARGS, opts);
  if (r.status === 'absent') return { processes: [], warnings: [] };
  if (r.status === 'failed') return { processes: [], warnings: [r.warning] };
  try {
    return { processes: parseComputeAppsQuery(r.stdout), warnings: [] };
  } catch (e) {
    return { processes: [], warnings: [errorText(e)] };
  }
}
