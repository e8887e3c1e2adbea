// Shared test builders for hardware fingerprints.
import type { GpuInfo, HardwareFingerprint } from '../../src/hardware/types.ts';

export function h100(index: number, overrides: Partial<GpuInfo> = {}): GpuInfo {
  return {
    index,
    uuid: `GPU-0000000${index}-aaaa-bbbb-cccc-dddddddddddd`,
    name: 'NVIDIA H100 80GB HBM3',
    pciBusId: `00000000:${18 + index}:00.0`,
    driverVersion: '550.54.15',
    memoryTotalMiB: 81559,
    maxSmClockMHz: 1980,
    maxMemoryClockMHz: 2619,
    powerLimitW: 700,
    persistenceMode: true,
    computeCapability: '9.0',
    ...overrides,
  };
}

export function makeFingerprint(overrides: Partial<HardwareFingerprint> = {}): HardwareFingerprint {
  return {
    cpu: { manufacturer: 'AMD', brand: 'EPYC 7B13', model: '1', physicalCores: 32, logicalCores: 64, speedGHz: 2.45 },
    memory: { totalBytes: 270_000_000_000 },
    os: { platform: 'linux', distro: 'Ubuntu', release: '22.04.4 LTS', kernel: '5.15.0-105-generic', arch: 'x64' },
    node: { version: 'v20.19.2' },
    gpus: [h100(0), h100(1)],
    collectedAt: '2025-01-01T00:00:00.000Z',
    hostname: 'bench-a',
    ...overrides,
  };
}
