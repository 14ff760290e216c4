/**
 * The Node HTTP server an Express app runs on, built so that requests and responses are born
 * with Express's prototypes (`app.request`, `app.response`) instead of being given them later.
 *
 * Why: Express's `app.handle` calls `Object.setPrototypeOf` on every request and response. On a
 * plain `http.createServer(app)` that really changes each object's prototype, and we measured
 * what follows (the effect, not V8's reason for it): V8's young-generation GC found every
 * request's objects still alive and promoted them, ~4 MB per scavenge on a constant-body Express
 * route (35% of what it allocated, with 4 connections as with 128), so under load the old
 * generation grew ~30 MB/s and a full GC paused the service every few seconds. Born with the
 * right prototypes, `setPrototypeOf` finds them already in place and changes nothing: almost
 * nothing survives a scavenge. On the service, GET /v1/users/:id went from ~5,900 to ~10,900
 * requests/s (`node --trace-gc-nvp` and the bench's GC counts; `npm run bench:api` for lists).
 *
 * The subclasses call Node's constructors as plain functions, as Node's own code does (they are
 * old-style functions in Node 20). `Reflect.construct(http.IncomingMessage, [socket], Request)`
 * would also work for classes, but made construction itself the hot spot (the same route fell
 * to ~4,300 requests/s), so a Node whose constructors are classes gets Express's default server.
 *
 * @example
 * const server = httpServer(app).listen(3000);
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

const Incoming = http.IncomingMessage as unknown as (this: unknown, socket: Socket) => void;
const Outgoing = http.ServerResponse as unknown as (this: unknown, req: http.IncomingMessage, options?: unknown) => void;

const isClass = (f: unknown) => /^class\b/.test(Function.prototype.toString.call(f));

/** An http.Server for `app` whose requests and responses start out with the app's prototypes. */
export function httpServer(app: Express): http.Server {
  if (isClass(http.IncomingMessage) || isClass(http.ServerResponse)) return http.createServer(app);
  function Request(this: unknown, socket: Socket): void {
    Incoming.call(this, socket);
  }
  Request.prototype = app.request;
  function Response(this: unknown, req: http.IncomingMessage, options?: unknown): void {
    Outgoing.call(this, req, options);
  }
  Response.prototype = app.response;
  return http.createServer(
    { IncomingMessage: Request as unknown as typeof http.IncomingMessage, ServerResponse: Response as unknown as typeof http.ServerResponse },
    app,
  );
}

/**
 * Makes `app.listen` serve on `httpServer(app)`, so every caller (the server, benchmarks, tests)
 * gets the fast path without knowing about it. Same contract as Express's own `listen`: the
 * arguments go to `server.listen`, and a trailing callback also hears a listen error, once.
 */
export function listenOnHttpServer(app: Express): void {
  const listen = (...args: unknown[]): http.Server => {
    const server = httpServer(app);
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      let called = false;
      const done = (...a: unknown[]) => {
        if (called) return;
        called = true;
        (last as (...a: unknown[]) => void)(...a);
      };
      args[args.length - 1] = done;
      server.once('error', done);
    }
    return server.listen(...(args as Parameters<http.Server['listen']>));
  };
  app.listen = listen as Express['listen'];
}
