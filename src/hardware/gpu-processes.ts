// Every process holding GPU memory, whichever vendor's tool lists it: nvidia-smi's compute apps
// and amd-smi's (or rocm-smi's) processes. The GPU-busy audit and the teardown wait read this.
import { amdGpuProcesses, type AmdSmiOptions } from './amd.ts';
import { gpuProcesses, type NvidiaSmiOptions } from './nvidia.ts';
import type { GpuProcess } from './types.ts';

export async function allGpuProcesses(nvidia: NvidiaSmiOptions = {}, amd: AmdSmiOptions = {}): Promise<{ processes: GpuProcess[]; warnings: string[] }> {
  const [n, a] = await Promise.all([gpuProcesses(nvidia), amdGpuProcesses(amd)]);
  return { processes: [...n.processes, ...a.processes], warnings: [...n.warnings, ...a.warnings] };
}
