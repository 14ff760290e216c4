/**
 * Progress of one input file on stderr: a cli-progress bar on a terminal (records, records/s and
 * an ETA from the bytes read of the file's size, which is known before a single record is parsed),
 * plain periodic lines otherwise (CI logs, `2> file`), so a long load never goes silent.
 */
import cliProgress from 'cli-progress';

export interface ProgressIo {
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export interface FileProgress {
  update(bytes: number, records: number): void;
  stop(): void;
}

/** @param everyMs how often a plain line is written when stderr is not a terminal. */
export function fileProgress(io: ProgressIo, label: string, totalBytes: number, everyMs = 10_000): FileProgress {
  const t0 = Date.now();
  const rate = (records: number) => records / Math.max((Date.now() - t0) / 1000, 0.001);
  if (io.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{file} [{bar}] {percentage}% | {records} records | {rate} rec/s | ETA {eta_formatted}',
        stream: io.stderr as NodeJS.WriteStream,
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { file: label, records: 0, rate: '0' });
    return {
      update: (bytes, records) => bar.update(Math.min(bytes, totalBytes), { records, rate: rate(records).toFixed(0) }),
      stop: () => bar.stop(),
    };
  }
  let last = t0;
  return {
    update(bytes, records) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      const done = Math.min(bytes / Math.max(totalBytes, 1), 1);
      const eta = done > 0 ? ((now - t0) / 1000) * (1 / done - 1) : NaN;
      io.stderr.write(`${label}: ${records} records, ${(done * 100).toFixed(0)}% of ${totalBytes} bytes, ${rate(records).toFixed(0)} rec/s, ETA ${Number.isFinite(eta) ? `${eta.toFixed(0)} s` : '?'}\n`);
    },
    stop() {},
  };
}
