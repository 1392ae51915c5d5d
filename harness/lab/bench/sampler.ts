/**
 * Samples what one lab run costs the machine, from /proc: the memory (PSS) of every process
 * the run started (the `l2lab run` process tree, plus the processes its run manifest records, in
 * case one was re-parented), summed per role, and their CPU time; and the load average. Cheap
 * enough to run every second (one pass over /proc). Linux only.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Page size and clock ticks of Linux on x86-64 and arm64 (statm pages, stat ticks). */
const PAGE_BYTES = 4096;
const TICKS_PER_S = 100;

/** The role of a process from its command line (the lab's process names). */
export function roleOf(cmdline: string): string {
  const proc = /lab-proc (\w+)/.exec(cmdline);
  if (proc?.[1] !== undefined) return proc[1];
  if (cmdline.includes('kube-apiserver')) return 'kube-apiserver';
  if (/(^|\/)etcd\b/.test(cmdline)) return 'etcd';
  if (cmdline.includes('tcpdump')) return 'tcpdump';
  if (cmdline.includes('lab-run')) return 'orchestrator';
  if (cmdline.includes('monitor')) return 'ip-monitor';
  if (cmdline.includes('l2lab.mjs run')) return 'cli';
  return 'other';
}

interface ProcInfo {
  readonly ppid: number;
  readonly cpuTicks: number;
  readonly memBytes: number;
  readonly role: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const cpuTicks = Number(rest[11]) + Number(rest[12]);
    const memBytes = pssBytes(pid) ?? Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
    // A zombie's cmdline is empty: its role is then the one first seen (see sample()).
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    const role = cmdline === '' ? '' : roleOf(cmdline);
    return { ppid, cpuTicks, memBytes, role };
  } catch {
    return undefined; // exited between the listing and the read
  }
}

/**
 * Proportional set size (shared pages split among their users), so that a sum over 60 Node.js
 * processes does not count the shared binary 60 times; undefined when smaps_rollup is unreadable.
 */
function pssBytes(pid: number): number | undefined {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Load averages (1, 5, 15 min). */
export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [a, b, c];
}

/** Peak memory, CPU time and load of a process tree over the samples taken. */
export interface TreeUsage {
  readonly samples: number;
  /** Highest sum of PSS (RSS where PSS is unreadable) over the tree, MB. */
  readonly peakMemMb: number;
  /** Highest per-role PSS sum, MB. */
  readonly peakMemMbByRole: Readonly<Record<string, number>>;
  /** CPU seconds (user + system) per role, as last seen for each process. */
  readonly cpuSByRole: Readonly<Record<string, number>>;
  /** Highest process count seen. */
  readonly peakProcesses: number;
  readonly load1: { readonly min: number; readonly max: number; readonly mean: number };
}

/** Accumulates samples of one run's processes. */
export class ProcessTreeSampler {
  readonly #rootPid: number;
  readonly #extraPids: () => readonly number[];
  readonly #cpu = new Map<number, { role: string; ticks: number }>();
  readonly #peakRole = new Map<string, number>();
  #peak = 0;
  #peakProcesses = 0;
  #samples = 0;
  readonly #load: number[] = [];

  /** @param extraPids processes to count even when they are not in the tree (the run manifest's). */
  constructor(rootPid: number, extraPids: () => readonly number[]) {
    this.#rootPid = rootPid;
    this.#extraPids = extraPids;
  }

  /** Takes one sample. */
  sample(): void {
    const all = new Map<number, ProcInfo>();
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const info = readProc(pid);
      if (info !== undefined) all.set(pid, info);
    }
    const members = new Set<number>([this.#rootPid, ...this.#extraPids().filter((pid) => all.has(pid))]);
    // Bounded: each pass adds children of members; the tree is at most as deep as there are processes.
    for (let pass = 0, grew = true; grew && pass < all.size; pass += 1) {
      grew = false;
      for (const [pid, info] of all) {
        if (!members.has(pid) && members.has(info.ppid)) {
          members.add(pid);
          grew = true;
        }
      }
    }
    let total = 0;
    let count = 0;
    const byRole = new Map<string, number>();
    for (const pid of members) {
      const info = all.get(pid);
      if (info === undefined) continue;
      const role = this.#cpu.get(pid)?.role ?? (info.role === '' ? 'other' : info.role);
      count += 1;
      total += info.memBytes;
      byRole.set(role, (byRole.get(role) ?? 0) + info.memBytes);
      this.#cpu.set(pid, { role, ticks: info.cpuTicks });
    }
    this.#peak = Math.max(this.#peak, total);
    this.#peakProcesses = Math.max(this.#peakProcesses, count);
    for (const [role, bytes] of byRole) this.#peakRole.set(role, Math.max(this.#peakRole.get(role) ?? 0, bytes));
    this.#load.push(loadAverage()[0]);
    this.#samples += 1;
  }

  /** What the samples show so far. */
  usage(): TreeUsage {
    const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
    const cpu: Record<string, number> = {};
    for (const { role, ticks } of this.#cpu.values()) cpu[role] = (cpu[role] ?? 0) + ticks / TICKS_PER_S;
    const load = this.#load.length === 0 ? [0] : this.#load;
    return {
      samples: this.#samples,
      peakMemMb: mb(this.#peak),
      peakMemMbByRole: Object.fromEntries([...this.#peakRole].sort(([, a], [, b]) => b - a).map(([role, bytes]) => [role, mb(bytes)])),
      cpuSByRole: Object.fromEntries(Object.entries(cpu).sort(([, a], [, b]) => b - a).map(([role, s]) => [role, Math.round(s * 10) / 10])),
      peakProcesses: this.#peakProcesses,
      load1: { min: Math.min(...load), max: Math.max(...load), mean: Math.round((load.reduce((a, b) => a + b, 0) / load.length) * 100) / 100 },
    };
  }
}
