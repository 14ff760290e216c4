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
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node} (${m.platform}); load average ${m.loadAverage1m} at start; ${m.date}`;
}
