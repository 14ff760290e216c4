/**
 * Who used the cores during a benchmark, from Linux's /proc: CPU seconds of a process tree, of every
 * process with a given name (PostgreSQL's server processes), and of the whole machine. On a 2-core
 * box a second worker process only helps while a core is idle; these numbers say whether the
 * machine, rather than the design, was the limit. Every function returns null off Linux.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** /proc reports times in USER_HZ clock ticks, which Linux fixes at 100 for user space. */
const TICKS_PER_S = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime: its own CPU and that of its children already reaped. */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  // comm is in parentheses and may itself hold spaces or parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17.
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return { pid, ppid: Number(f[1]), comm, ticks };
}

function allStats(): ProcStat[] | null {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return null;
  }
  return pids.map(readStat).filter((s): s is ProcStat => s !== null);
}

/** CPU seconds used so far by the given processes and all their descendants. */
export function treeCpuSeconds(roots: readonly number[]): number | null {
  const stats = allStats();
  if (!stats) return null;
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(s);
    else children.set(s.ppid, [s]);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  const todo = roots.filter((p) => byPid.has(p));
  const seen = new Set<number>();
  while (todo.length) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += byPid.get(pid)!.ticks;
    for (const c of children.get(pid) ?? []) todo.push(c.pid);
  }
  return ticks / TICKS_PER_S;
}

/** CPU seconds used so far by every process named `comm` (e.g. 'postgres'), reaped children included. */
export function commCpuSeconds(comm: string): number | null {
  const stats = allStats();
  if (!stats) return null;
  return stats.filter((s) => s.comm === comm).reduce((a, s) => a + s.ticks, 0) / TICKS_PER_S;
}

/** Busy and total CPU seconds of the whole machine so far (all cores; busy excludes idle and iowait). */
export function machineCpuSeconds(): { busy: number; total: number } | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '));
  } catch {
    return null;
  }
  if (!line) return null;
  // user nice system idle iowait irq softirq steal (guest times are already inside user/nice).
  const t = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  return { busy: (total - t[3]! - t[4]!) / TICKS_PER_S, total: total / TICKS_PER_S };
}
