/**
 * A signal for "nobody is waiting for this response any more": it aborts when the connection
 * closes before the response was written (the client timed out, gave up or went away). Handlers
 * whose work can queue behind other requests (a search's exact scan) pass it to the core, so that
 * work for a client that has gone is dropped instead of delaying the clients still waiting.
 */
import type { ServerResponse } from 'node:http';
import { AppError } from '../errors.js';

export function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new AppError('CLIENT_CLOSED_REQUEST'));
  });
  return controller.signal;
}
