/**
 * The garbage collector's pauses of this process's main thread while a load runs: the benchmarks
 * that serve in-process report them beside each run's latencies, because one full mark-compact
 * (a 10-30 ms pause that stops every request in flight) moves a p99 at 32 connections: at stop 22
 * 4 s probe rounds gave p99 28-32 ms without one and 50-62 ms with one, and over 21 cache-off
 * `bench:api` runs of 10 s the median p99 was 33 ms without one and 37.5 ms with one.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fmt } from './stats.js';

export interface GcPauses {
  /** Full (mark-compact) collections and their longest pause. */
  major: number;
  majorMaxMs: number;
  /** Young-generation (scavenge) pause time per second of the run, and the longest one (absent in older reports). */
  minorMsPerS: number;
  minorMaxMs?: number;
}

export function watchGcPauses(): { stop(): GcPauses } {
  let major = 0;
  let majorMaxMs = 0;
  let minorMs = 0;
  let minorMaxMs = 0;
  const t0 = performance.now();
  const take = (entries: readonly PerformanceEntry[]) => {
    for (const e of entries) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        major++;
        majorMaxMs = Math.max(majorMaxMs, e.duration);
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        minorMs += e.duration;
        minorMaxMs = Math.max(minorMaxMs, e.duration);
      }
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // Entries are delivered asynchronously: take what is queued before disconnecting.
      take(observer.takeRecords());
      observer.disconnect();
      const seconds = (performance.now() - t0) / 1000;
      return { major, majorMaxMs: Math.round(majorMaxMs * 10) / 10, minorMsPerS: Math.round((minorMs / seconds) * 10) / 10, minorMaxMs: Math.round(minorMaxMs * 10) / 10 };
    },
  };
}

/** "2 major GCs (max 14 ms), scavenges 31 ms/s (max 4 ms)": what the collector paused the server for during a run. */
export function gcText(gc: GcPauses | undefined): string {
  if (!gc) return '–';
  const minorMax = gc.minorMaxMs ? ` (max ${fmt(gc.minorMaxMs)} ms)` : '';
  return `${gc.major} major GC${gc.major === 1 ? '' : 's'}${gc.major ? ` (max ${fmt(gc.majorMaxMs)} ms)` : ''}, scavenges ${fmt(gc.minorMsPerS)} ms/s${minorMax}`;
}

/** " [1 major GC]" after a run's p99, or nothing for a report written before runs carried their GC pauses. */
export function majorGcTag(gc: GcPauses | undefined): string {
  return gc ? ` [${gc.major} major GC${gc.major === 1 ? '' : 's'}]` : '';
}
