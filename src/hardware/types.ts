// The hardware fingerprint recorded with every benchmark result, so numbers measured on different
// machines are never compared silently. Declared as `type` aliases (not interfaces) so a
// fingerprint is assignable to the result file's `Record<string, unknown>` field.

/** One GPU as nvidia-smi (or amd-smi / rocm-smi) reports it; null where the tool says [N/A] / [Not Supported] / N/A. */
export type GpuInfo = {
  /** absent: NVIDIA (nvidia-smi); amd: read through amd-smi or rocm-smi */
  vendor?: 'amd';
  /** nvidia-smi enumeration index (PCI bus order unless CUDA_DEVICE_ORDER says otherwise) */
  index: number;
  uuid: string | null;
  name: string | null;
  pciBusId: string | null;
  driverVersion: string | null;
  memoryTotalMiB: number | null;
  maxSmClockMHz: number | null;
  maxMemoryClockMHz: number | null;
  /** enforced board power limit in watts */
  powerLimitW: number | null;
  persistenceMode: boolean | null;
  /** e.g. "9.0"; AMD: the gfx target, e.g. "gfx942"; null when the driver is too old to report it */
  computeCapability: string | null;
};

/** A process holding a CUDA context (`nvidia-smi --query-compute-apps`) or AMD GPU memory (`amd-smi process`, `rocm-smi --showpids`). */
export type GpuProcess = {
  gpuUuid: string;
  pid: number;
  processName: string;
  /** null where nvidia-smi cannot attribute memory (e.g. MIG, some vGPU setups) */
  usedMemoryMiB: number | null;
};

export type HardwareFingerprint = {
  cpu: {
    manufacturer: string;
    brand: string;
    /** the CPU model identifier as systeminformation reports it (on x86 the numeric model id, e.g. "106") */
    model: string;
    physicalCores: number;
    logicalCores: number;
    /** nominal clock in GHz; a VM may report 0 */
    speedGHz: number;
  };
  memory: { totalBytes: number };
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  node: { version: string };
  gpus: GpuInfo[];
  /**
   * where the harness ran and how busy the machine was when the run started: the CPUs this
   * process may use (engines inherit it; null where the OS does not say), whether that is fewer
   * than all of them (pinned), and the load averages. Engine threads are per engine, in the
   * suite's engine options and each engine's /server_info (result.engines).
   */
  /**
   * the harness's CPUs, and the CPUs the engines were confined to (a suite's engineCpus; null or
   * absent: wherever the OS put them)
   */
  placement?: {
    cpuAffinity: number[] | null; pinned: boolean; loadAverage: number[]; engineCpus?: number[] | null;
    /** the CPUs' mean current clock (/proc/cpuinfo) when the run started; null where not readable */
    cpuMHz?: number | null;
  };
  /** filled in by the caller, which knows which engine it drives */
  engine?: { name: string; version: string };
  /** ISO 8601 time of collection */
  collectedAt: string;
  hostname: string;
  /** problems met while collecting (e.g. nvidia-smi present but failing); absent when none */
  warnings?: string[];
};
