/**
 * Runs one README shell block as a reader would paste it: bash, from the repository root, with
 * `set -euo pipefail` so any failing command (curl -f on an HTTP error included) fails the block.
 * Asynchronous on purpose: the test server answers in this same process, so a synchronous spawn
 * would wait on a server it blocks.
 */
import { spawn } from 'node:child_process';

export interface BlockRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runBlock(code: string, o: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<BlockRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', `set -euo pipefail\n${code}`], {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout ends whatever the block started too.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A block that holds its terminal (a server, a watcher) fails instead of hanging the suite.
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, o.timeoutMs);
    child.on('error', reject);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, stdout, stderr, timedOut });
    });
  });
}
