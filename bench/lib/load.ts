/** autocannon driven from a child process; returns the numbers the benchmark reports. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  requests: LoadRequest[];
  headers: Record<string, string>;
  /** Requests per second over all connections; omit for a closed loop at full speed. */
  overallRate?: number;
  /** Replace `[<id>]` in request bodies with a random id per request (unique search queries). */
  idReplacement?: boolean;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** A running load: await it for the summary; `stop()` ends it early (the summary covers the run so far). */
export type RunningLoad = Promise<LoadResult> & { stop(): void };

export function runLoad(o: LoadOptions): RunningLoad {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./load-child.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  // A stop() before the child has its SIGTERM handler would kill it with no summary: wait for it.
  let started = false;
  let stopRequested = false;
  child.once('message', () => {
    started = true;
    if (stopRequested) child.kill('SIGTERM');
  });
  const done = new Promise<LoadResult>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', () => {
      try {
        const r = JSON.parse(out);
        if (r.error) reject(new Error(`autocannon: ${r.error}`));
        else resolve(r as LoadResult);
      } catch {
        reject(new Error(`autocannon child printed no result: ${out.slice(0, 200)}`));
      }
    });
    child.stdin!.end(JSON.stringify(o));
  });
  const stop = () => {
    stopRequested = true;
    if (started) child.kill('SIGTERM');
  };
  return Object.assign(done, { stop });
}
