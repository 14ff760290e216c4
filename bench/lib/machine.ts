/** A description of the machine a benchmark ran on, so numbers are never quoted without their hardware. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the benchmark started: other jobs on a shared machine skew numbers. */
  loadAverage1m: number;
  date: string;
  /**
   * Millions of float multiply-adds per second of one fixed single-thread loop (`cpuGauge`), taken
   * when the benchmark started. It reads pure compute only: on 2026-12-03 it fell from ~1,000 to
   * ~750-850 while the unchanged response-cache path served 1.45x fewer requests, so a lower gauge
   * says the host is slower, and a similar one does not say the host's memory and network stack are.
   */
  cpuGaugeMmacs?: number;
}

/**
 * A fixed CPU workload (the scans' unrolled dot product over 4 MB, ~0.1 s a round), median of five rounds: a
 * reading of how fast this host runs single-threaded JS right now, not a benchmark of anything.
 */
export function cpuGauge(): number {
  const dim = 512;
  const rows = 2048;
  const v = new Float32Array(dim * rows);
  for (let i = 0; i < v.length; i++) v[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
  const q = v.slice(0, dim);
  const dotAt = (base: number) => {
    let s = 0;
    for (let i = 0; i < dim; i += 4) {
      s += q[i]! * v[base + i]!;
      s += q[i + 1]! * v[base + i + 1]!;
      s += q[i + 2]! * v[base + i + 2]!;
      s += q[i + 3]! * v[base + i + 3]!;
    }
    return s;
  };
  const runs: number[] = [];
  let sink = 0;
  // Two warm-up rounds (the JIT), then five timed: the median.
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let pass = 0; pass < 48; pass++) for (let row = 0; row < rows; row++) sink += dotAt(row * dim);
    if (r >= 2) runs.push((48 * rows * dim) / ((performance.now() - t0) * 1000));
  }
  if (!Number.isFinite(sink)) throw new Error('cpuGauge: the loop was optimised away');
  return Math.round(runs.sort((a, b) => a - b)[2]!);
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    nproc: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
    cpuGaugeMmacs: cpuGauge(),
  };
}

export function machineLine(m: MachineInfo): string {
  const gauge = m.cpuGaugeMmacs === undefined ? '' : `; CPU gauge ${m.cpuGaugeMmacs.toLocaleString('en-US')} M multiply-adds/s`;
  return `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node} (${m.platform}); load average ${m.loadAverage1m} at start${gauge}; ${m.date}`;
}
