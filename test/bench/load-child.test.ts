/**
 * The load generator's child process must not outlive a benchmark that was killed: a stray
 * autocannon loads the machine for whatever is measured next (seen: a killed 1M run's 3,600 s
 * ingest-scenario load went on at ~60% of a core into the next run).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
afterAll(() => new Promise((r) => server.close(r)));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('the load child exits when its parent is killed', async () => {
  await new Promise((r) => server.listening ? r(null) : server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = fileURLToPath(new URL('../../bench/lib/load-child.mjs', import.meta.url));
  // A parent like bench/lib/load.ts: spawns the child with an IPC channel, sends the options, prints the child's pid.
  const parentCode = `
    const { spawn } = require('node:child_process');
    const c = spawn(process.execPath, [${JSON.stringify(child)}], { stdio: ['pipe', 'ignore', 'inherit', 'ipc'] });
    c.stdin.end(JSON.stringify({ url: ${JSON.stringify(url)}, connections: 2, duration: 3600 }));
    c.once('message', () => console.log(c.pid));
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (b: Buffer) => resolve(Number(String(b).trim()))));
  expect(alive(pid)).toBe(true);
  parent.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const stillAlive = alive(pid);
  if (stillAlive) process.kill(pid, 'SIGKILL');
  expect(stillAlive).toBe(false);
}, 20_000);
