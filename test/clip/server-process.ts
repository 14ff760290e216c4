/**
 * `npm start` and `npm run ingest` as child processes, for tests that switch models on one DATA_DIR.
 *
 * Why processes and not startServer() in the test's own process: onnxruntime-node 1.14 (pinned by
 * Transformers.js 2.17) cannot be loaded again in a new worker thread once every thread that loaded
 * it has ended ("Module did not self-register"), and keeping it loaded in the main thread instead
 * crashes a later worker's exit (double free). Each start here is a fresh process, as in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../tools/clip/paths.js';

export interface ServerProcess {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  /** Every JSON log line the server wrote (stderr). */
  logs: Array<Record<string, unknown>>;
  /** SIGTERM (graceful: index flushed, database closed), resolved once it exited 0. */
  stop(): Promise<void>;
}

function run(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** Starts src/server.ts with `env` (PORT 0) and resolves when it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = run('src/server.ts', [], { ...env, PORT: '0', LOG_LEVEL: 'info' });
  const logs: Array<Record<string, unknown>> = [];
  let rest = '';
  let output = '';
  const done = exited(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        logs.push(entry);
        if (entry.msg === 'listening') {
          resolve({
            url: String(entry.url),
            logs,
            async stop() {
              child.kill('SIGTERM');
              const code = await done;
              if (code !== 0) throw new Error(`server exited with ${code}:\n${output.slice(-3000)}`);
            },
          });
        }
      }
    });
    void done.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output.slice(-3000)}`)));
  });
}

/** `npm run ingest -- <worldDir>` with `env`; resolves with its stdout (the per-stage summary) when it exits 0. */
export async function runIngestProcess(worldDir: string, env: Record<string, string>): Promise<string> {
  const child = run('src/cli/ingest.ts', [worldDir], env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await exited(child);
  if (code !== 0) throw new Error(`npm run ingest exited with ${code}:\n${stdout}\n${stderr.slice(-3000)}`);
  return stdout;
}
