/**
 * Requests take turns: each request's handler starts in its own turn of the event loop, in arrival
 * order. A computed list runs synchronously from its first store read to its response (SQLite
 * answers in-process), so without turns every request that arrived together runs back to back in
 * one poll phase: with 8 such requests nothing else (a timer, a model worker's embeddings for an
 * ingest, a health check) gets the loop for 8 lists' time, and which socket is served first is
 * whatever order epoll reports, so some requests wait behind many others while some wait for none.
 * With turns the loop goes round (timers, I/O, this queue) between any two requests: the longest
 * hold is one request's synchronous part, and waiting is first come, first served.
 *
 * Only the start is scheduled: what a handler awaits for real (a scan, the model) resumes
 * whenever it is ready, as before. An idle server adds one `setImmediate` hop per request.
 */
import type { RequestHandler } from 'express';

export function takeTurns(): RequestHandler {
  const waiting: Array<() => void> = [];
  let head = 0;
  let scheduled = false;
  const runNext = () => {
    scheduled = false;
    if (head === waiting.length) return;
    const next = waiting[head]!;
    waiting[head++] = undefined as never;
    // Compact now and then instead of shifting the array on every request.
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    // An immediate queued while immediates run waits for the loop's next round: that is the turn.
    if (head < waiting.length) {
      scheduled = true;
      setImmediate(runNext);
    }
    next();
  };
  return (_req, _res, next) => {
    waiting.push(next);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runNext);
    }
  };
}
