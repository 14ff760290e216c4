import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commCpuSeconds, machineCpuSeconds, treeCpuSeconds } from '../../bench/lib/proc-cpu.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('bench/lib/proc-cpu', () => {
  it("counts a grandchild's CPU in its ancestor's tree, and only there", async () => {
    // sh -> node: the node grandchild burns 0.4 s of CPU (counted on its own CPU clock, not the wall
    // clock, which on a busy machine gives less CPU), then sleeps so it is still alive when read.
    const burn = `const c = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; const t = c(); while (c() - t < 400); process.stdout.write('hot'); setTimeout(() => {}, 5000);`;
    const sh = spawn('sh', ['-c', `"${process.execPath}" -e "${burn}"; true`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve) => sh.stdout!.once('data', () => resolve()));
      const tree = treeCpuSeconds([sh.pid!]);
      expect(tree).toBeGreaterThanOrEqual(0.3);
      // An unrelated root (this test's own pid is not under sh) is not counted in sh's tree, and a pid that does not exist counts 0.
      expect(treeCpuSeconds([2 ** 22 + 12345])).toBe(0);
      const mine = treeCpuSeconds([process.pid])!;
      expect(mine).toBeGreaterThanOrEqual(tree!); // sh is this process's child
    } finally {
      sh.kill('SIGKILL');
    }
  });

  it('sums processes by name and reads the machine as busy <= total', () => {
    expect(commCpuSeconds('no-such-process-name')).toBe(0);
    const before = machineCpuSeconds()!;
    const t = Date.now();
    while (Date.now() - t < 100);
    const after = machineCpuSeconds()!;
    expect(after.total).toBeGreaterThan(before.total);
    expect(after.busy - before.busy).toBeGreaterThan(0);
    // On a fully busy machine the two are equal: allow for float rounding of the tick sums.
    expect(after.busy - before.busy).toBeLessThanOrEqual(after.total - before.total + 1e-6);
  });
});
