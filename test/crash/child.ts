/**
 * Runs `server-entry.ts` as a child process (the real server, its own process, so SIGKILL is a
 * real kill -9) and talks to it over HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ADMIN_KEY = 'admin-key-crash-1';
export const APP_KEY = 'app-key-crash-1';

export interface Child {
  url: string;
  proc: ChildProcess;
  /** Every stderr line so far (JSON log lines). */
  stderr: string[];
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every child still running: killed when the test file ends, however it ends. */
const running = new Set<ChildProcess>();
export function killAll(): void {
  for (const p of running) p.kill('SIGKILL');
}

/** Starts the server and resolves once it listens; rejects with its log if it exits first. */
export function startChild(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/crash/server-entry.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', API_KEYS: `admin:${ADMIN_KEY},app:${APP_KEY}`, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (line) => resolve({ url: JSON.parse(line).url as string, proc, stderr, exited }));
    void exited.then((how) => reject(new Error(`server exited during start-up (${JSON.stringify(how)}):\n${stderr.join('\n')}`)));
  });
}

/**
 * One request with the admin key. Reads are retried once on a reset connection: the server closes
 * idle keep-alive sockets after 5 s, and on a loaded machine the client can reuse one as it closes.
 * Writes are never retried (the test must see exactly what one PUT did).
 */
export async function api(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; bytes: Buffer }> {
  const send = () =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const res = method === 'PUT' ? await send() : await send().catch(send);
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(bytes.toString()) : undefined;
  return { status: res.status, json, bytes };
}

/** Runs `task` over `items` with at most `n` in flight. */
export async function pool<T>(items: T[], n: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}
