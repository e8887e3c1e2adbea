// AMD GPU discovery through amd-smi (JSON output), or rocm-smi where amd-smi is missing (older
// ROCm). Shapes as the tools write them (ROCm/amdsmi amdsmi_cli/amdsmi_commands.py and
// amdsmi_logger.py; ROCm/rocm_smi_lib python_smi_tools/rocm_smi.py):
//   amd-smi static --json   [{gpu, asic: {market_name, target_graphics_version, ...}, bus: {bdf},
//                            driver: {name, version}, vram: {size: {value, unit: "MB"}},
//                            limit: {max_power: {value, unit: "W"}}, ...}, ...]
//   amd-smi list --json     [{gpu, bdf, uuid, kfd_id, node_id, partition_id} (some paths: gpu_bdf, gpu_uuid), ...]
//   amd-smi process --json  [{gpu, process_list: [{process_info: {name, pid, mem_usage,
//                            memory_usage: {gtt_mem, cpu_mem, vram_mem}, ...} | "No running
//                            processes detected"}]}, ...], memory as {value, unit: "B"}
//   rocm-smi --showproductname --showmeminfo vram --showbus --showuniqueid --showdriverversion --json
//                           {"card0": {"Card Series", "GFX Version", "VRAM Total Memory (B)",
//                            "PCI Bus", "Unique ID", ...}, "system": {"Driver version"}}
//   rocm-smi --showpids --json  {"system": {"PID<pid>": "<name>, <gpus>, <vram bytes>, <sdma>, <cu>"}}
// Like nvidia.ts: parsers are pure; the runners never throw (absent tool = no AMD GPUs).
import { runNvidiaSmi, type NvidiaSmiOptions } from './nvidia.ts';
import type { GpuInfo, GpuProcess } from './types.ts';
import { PrismError } from '../errors.ts';
import { isRecord } from '../record.ts';

export const AMD_SMI_STATIC_ARGS: readonly string[] = ['static', '--json'];
export const AMD_SMI_LIST_ARGS: readonly string[] = ['list', '--json'];
export const AMD_SMI_PROCESS_ARGS: readonly string[] = ['process', '--json'];
export const ROCM_SMI_GPU_ARGS: readonly string[] = ['--showproductname', '--showmeminfo', 'vram', '--showbus', '--showuniqueid', '--showdriverversion', '--json'];
export const ROCM_SMI_PIDS_ARGS: readonly string[] = ['--showpids', '--json'];

export type AmdSmiOptions = { amdSmi?: string; rocmSmi?: string; timeoutMs?: number };

export class AmdSmiParseError extends PrismError {}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v !== 'N/A' ? v : typeof v === 'number' ? String(v) : null);

function json(out: string, tool: string): unknown {
  try { return JSON.parse(out); } catch { throw new AmdSmiParseError(`${tool} printed no JSON: ${out.trim().split('\n')[0]?.slice(0, 120) ?? ''}`); }
}

/** amd-smi's per-GPU list; tolerates a {gpu_data: [...]} wrapper. */
function gpuList(doc: unknown, tool: string): Record<string, unknown>[] {
  const list = isRecord(doc) && Array.isArray(doc.gpu_data) ? doc.gpu_data : doc;
  if (!Array.isArray(list) || !list.every(isRecord)) throw new AmdSmiParseError(`${tool}: expected a JSON list of per-GPU objects`);
  return list.filter(isRecord);
}

/** A {value, unit} figure (or a bare number) in the unit wanted: MiB from MB/B, watts from W. */
function amount(v: unknown, want: 'MiB' | 'W'): number | null {
  const value = isRecord(v) ? v.value : v;
  const unit = isRecord(v) && typeof v.unit === 'string' ? v.unit : want === 'MiB' ? 'MB' : 'W';
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return null;
  if (want === 'W') return unit === 'W' ? n : unit === 'mW' ? n / 1000 : null;
  // amd-smi's "MB" is the library's MiB (amdsmi_get_gpu_vram_info reports vram_size in MB = 2^20 bytes)
  if (unit === 'MB' || unit === 'MiB') return n;
  if (unit === 'B') return Math.round(n / 2 ** 20);
  if (unit === 'GB' || unit === 'GiB') return n * 1024;
  return null;
}

/** `amd-smi static --json` (and optionally `amd-smi list --json` for UUIDs) as GpuInfo. */
export function parseAmdSmiStatic(staticOut: string, listOut?: string): GpuInfo[] {
  const uuids = new Map<number, string | null>();
  if (listOut !== undefined) for (const g of gpuList(json(listOut, 'amd-smi list'), 'amd-smi list')) uuids.set(Number(g.gpu), text(g.uuid ?? g.gpu_uuid));
  return gpuList(json(staticOut, 'amd-smi static'), 'amd-smi static').map((g) => {
    const index = Number(g.gpu);
    if (!Number.isInteger(index)) throw new AmdSmiParseError('amd-smi static: a GPU object has no integer "gpu" index');
    const asic = isRecord(g.asic) ? g.asic : {}, bus = isRecord(g.bus) ? g.bus : {}, driver = isRecord(g.driver) ? g.driver : {};
    const vram = isRecord(g.vram) ? g.vram : {}, limit = isRecord(g.limit) ? g.limit : {};
    return {
      index, vendor: 'amd',
      uuid: uuids.get(index) ?? null,
      name: text(asic.market_name),
      pciBusId: text(bus.bdf),
      driverVersion: text(driver.version),
      memoryTotalMiB: amount(vram.size, 'MiB'),
      maxSmClockMHz: null, maxMemoryClockMHz: null,
      powerLimitW: amount(limit.max_power ?? limit.socket_power, 'W'),
      persistenceMode: null,
      // the gfx target (e.g. gfx942) stands where NVIDIA's compute capability does
      computeCapability: text(asic.target_graphics_version),
    } satisfies GpuInfo;
  });
}

/** `amd-smi process --json`: one entry per process per GPU. */
export function parseAmdSmiProcesses(out: string): GpuProcess[] {
  const procs: GpuProcess[] = [];
  for (const g of gpuList(json(out, 'amd-smi process'), 'amd-smi process')) {
    const list = Array.isArray(g.process_list) ? g.process_list : [];
    for (const item of list) {
      const p = isRecord(item) ? item.process_info : undefined;
      if (!isRecord(p)) continue; // "No running processes detected"
      const pid = Number(p.pid);
      if (!Number.isInteger(pid)) throw new AmdSmiParseError(`amd-smi process: a process on GPU ${String(g.gpu)} has no pid`);
      const mem = isRecord(p.memory_usage) ? p.memory_usage.vram_mem : undefined;
      procs.push({ gpuUuid: `amd-gpu-${String(g.gpu)}`, pid, processName: String(p.name ?? ''), usedMemoryMiB: amount(mem ?? p.mem_usage, 'MiB') });
    }
  }
  return procs;
}

/** rocm-smi's JSON object of cards (card0, card1, ...) and "system". */
export function parseRocmSmiGpus(out: string): GpuInfo[] {
  const doc = json(out, 'rocm-smi');
  if (!isRecord(doc)) throw new AmdSmiParseError('rocm-smi: expected a JSON object of cards');
  const sys = isRecord(doc.system) ? doc.system : {};
  return Object.entries(doc).flatMap(([k, c]) => (/^card\d+$/.test(k) && isRecord(c) ? [[k, c] as const] : [])).map(([k, c]) => {
    const bytes = Number(c['VRAM Total Memory (B)']);
    return {
      index: Number(k.slice(4)), vendor: 'amd',
      uuid: text(c['Unique ID']),
      name: text(c['Card Series']),
      pciBusId: text(c['PCI Bus']),
      driverVersion: text(sys['Driver version']),
      memoryTotalMiB: Number.isFinite(bytes) ? Math.round(bytes / 2 ** 20) : null,
      maxSmClockMHz: null, maxMemoryClockMHz: null, powerLimitW: null, persistenceMode: null,
      computeCapability: text(c['GFX Version']),
    } satisfies GpuInfo;
  }).sort((a, b) => a.index - b.index);
}

/**
 * `rocm-smi --showpids --json`: rows "PID<pid>": "name, gpus, vram, sdma, cu" (rocm-smi lowercases
 * the row and joins its words with ", ", so a name with spaces spans several fields: the last four are the figures).
 */
export function parseRocmSmiPids(out: string): GpuProcess[] {
  const doc = json(out, 'rocm-smi --showpids');
  const sys = isRecord(doc) && isRecord(doc.system) ? doc.system : {};
  return Object.entries(sys).filter(([k]) => /^PID\d+$/.test(k)).map(([k, v]) => {
    const f = String(v).split(', ');
    const vram = Number(f[f.length - 3]);
    return { gpuUuid: 'amd', pid: Number(k.slice(3)), processName: f.slice(0, Math.max(1, f.length - 4)).join(' '), usedMemoryMiB: Number.isFinite(vram) ? Math.round(vram / 2 ** 20) : null };
  });
}

const opts = (command: string, o: AmdSmiOptions): NvidiaSmiOptions => ({ command, timeoutMs: o.timeoutMs });
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** All AMD GPUs: amd-smi, else rocm-smi; [] without warnings when neither is installed. */
export async function queryAmdGpus(o: AmdSmiOptions = {}): Promise<{ gpus: GpuInfo[]; warnings: string[] }> {
  const [st, list] = await Promise.all([runNvidiaSmi(AMD_SMI_STATIC_ARGS, opts(o.amdSmi ?? 'amd-smi', o)), runNvidiaSmi(AMD_SMI_LIST_ARGS, opts(o.amdSmi ?? 'amd-smi', o))]);
  if (st.status === 'ok') {
    try {
      return { gpus: parseAmdSmiStatic(st.stdout, list.status === 'ok' ? list.stdout : undefined), warnings: [] };
    } catch (e) { return { gpus: [], warnings: [errorText(e)] }; }
  }
  const r = await runNvidiaSmi(ROCM_SMI_GPU_ARGS, opts(o.rocmSmi ?? 'rocm-smi', o));
  const warnings = st.status === 'failed' ? [st.warning] : [];
  if (r.status === 'absent') return { gpus: [], warnings };
  if (r.status === 'failed') return { gpus: [], warnings: [...warnings, r.warning] };
  try { return { gpus: parseRocmSmiGpus(r.stdout), warnings }; } catch (e) { return { gpus: [], warnings: [...warnings, errorText(e)] }; }
}

/** Processes holding memory on any AMD GPU: amd-smi, else rocm-smi. */
export async function amdGpuProcesses(o: AmdSmiOptions = {}): Promise<{ processes: GpuProcess[]; warnings: string[] }> {
  const a = await runNvidiaSmi(AMD_SMI_PROCESS_ARGS, opts(o.amdSmi ?? 'amd-smi', o));
  if (a.status === 'ok') {
    try { return { processes: parseAmdSmiProcesses(a.stdout), warnings: [] }; } catch (e) { return { processes: [], warnings: [errorText(e)] }; }
  }
  const r = await runNvidiaSmi(ROCM_SMI_PIDS_ARGS, opts(o.rocmSmi ?? 'rocm-smi', o));
  const warnings = a.status === 'failed' ? [a.warning] : [];
  if (r.status === 'absent') return { processes: [], warnings };
  if (r.status === 'failed') return { processes: [], warnings: [...warnings, r.warning] };
  try { return { processes: parseRocmSmiPids(r.stdout), warnings }; } catch (e) { return { processes: [], warnings: [...warnings, errorText(e)] }; }
}
