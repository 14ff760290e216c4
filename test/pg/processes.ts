/**
 * Child processes for the multi-process tests (replicas, workers): node itself with tsx's loader,
 * stopped at the end. Not the `tsx` command: it runs the script in a child node of its own, so a
 * SIGKILL (the worker test's "killed mid-batch") killed only that wrapper and the worker went on
 * embedding as an orphan, through the rest of the test and after the CI run.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  /** The text after READY on the child's first READY line. */
  ready: Promise<string>;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before READY:\n${out}`)));
  });
  ready.catch(() => {});
  return {
    proc,
    ready,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill(signal);
      await exited;
    },
  };
}
