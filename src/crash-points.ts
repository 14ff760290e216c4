/**
 * TEST ONLY: named points inside a product or post write where the crash test (`npm run
 * test:crash`) makes the process kill itself with SIGKILL, exactly as `kill -9` would at that
 * moment, so every window between two steps of a write is tried, not just the ones a timer hits.
 * Off unless TEST_CRASH_AT is set; never set it in production.
 */
import { writeSync } from 'node:fs';

/** In the order a write passes them (src/core/commands/embedded.ts, products.ts, the index flush). */
export const CRASH_STEPS = ['media-staged', 'store-committed', 'media-promoted', 'index-updated', 'index-file-renamed', 'index-flushed'] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];
export type CrashPoint = (step: CrashStep) => void;

/** TEST_CRASH_AT parsed: the step, and on which pass of it (1 = the first) to die. */
export interface CrashSpec {
  step: CrashStep;
  nth: number;
}

/** A no-op unless `spec` is set; then SIGKILLs the process on the nth pass of its step. */
export function crashPoint(spec: CrashSpec | undefined): CrashPoint {
  if (!spec) return () => {};
  let passes = 0;
  return (step) => {
    if (step !== spec.step || ++passes !== spec.nth) return;
    // Synchronous, so the test sees where the process died before it does.
    writeSync(2, `${JSON.stringify({ level: 'warn', msg: 'test crash point: SIGKILL', step, pass: passes })}\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}
