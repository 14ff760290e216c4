/**
 * The service's ONE logger: pino, one JSON object per line on stderr, passed down through
 * factories rather than imported as a singleton, so tests can pass `silentLogger` or a capturing
 * one. The HTTP access log (`src/http/ops/access-log.ts`) writes through the same pino
 * instance (`logger.pino`), so start-up lines, per-request lines and error lines share one
 * stream, one format and one level.
 *
 * Never log API keys, link secrets or raw tokens (the access log masks /r/ tokens and logs no
 * headers).
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** The pino instance underneath, for the access log (which builds its line only when it will be written). */
  readonly pino: pino.Logger;
}

/** Our call style (message first, fields second) over pino's (fields first). */
export function fromPino(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    pino: p,
  };
}

/**
 * @param write receives each line without its newline (tests capture lines with it); default stderr.
 * @example const log = createLogger('info'); log.info('listening', { port: 3000 });
 * // {"level":"info","time":"2026-06-01T12:00:00.000Z","msg":"listening","port":3000}
 */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  // Synchronous writes: a CLI that exits right after logging must not lose its last lines.
  const destination = write ? { write: (chunk: string) => write(chunk.replace(/\n$/, '')) } : pino.destination({ dest: 2, sync: true });
  const p = pino(
    {
      level,
      base: undefined, // no pid/hostname on every line
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return fromPino(p);
}

/** Discards everything: the default in tests. */
export const silentLogger: Logger = createLogger('silent');
