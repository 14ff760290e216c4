/** The benchmarks' machine line carries a CPU gauge, so runs on a host whose speed moves can be compared. */
import { describe, expect, it } from 'vitest';
import { cpuGauge, machineInfo, machineLine } from '../../bench/lib/machine.js';

describe('machine line', () => {
  it('reads a finite, positive gauge and prints it beside the load average', () => {
    const g = cpuGauge();
    expect(Number.isFinite(g) && g > 0).toBe(true);
    const m = machineInfo();
    expect(machineLine(m)).toContain(`CPU gauge ${m.cpuGaugeMmacs!.toLocaleString('en-US')} M multiply-adds/s`);
    // Reports written before the gauge existed still render.
    const { cpuGaugeMmacs: _, ...old } = m;
    expect(machineLine(old)).not.toContain('CPU gauge');
  });
});
