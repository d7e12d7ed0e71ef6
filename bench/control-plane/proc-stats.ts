/**
 * CPU and resident memory of one process (and its children, e.g. the Temporal core
 * threads live in the same process) from /proc, sampled at an interval: CPU as a share
 * of one core over each interval.
 */
import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

interface Raw {
  cpuSeconds: number;
  rssBytes: number;
}

async function readOne(pid: number): Promise<Raw | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
  } catch {
    return undefined;
  }
}

/** Every process under these roots, the roots included (PostgreSQL's backends are its postmaster's children). */
async function withDescendants(roots: number[]): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat === '') continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const all: number[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    all.push(pid);
    pending.push(...(parents.get(pid) ?? []));
  }
  return all;
}

/** One process, or (given several roots) the sum over them and their descendants: a cluster's services and database. */
async function readRaw(target: number | number[]): Promise<Raw | undefined> {
  if (typeof target === 'number') return readOne(target);
  const raws = (await Promise.all((await withDescendants(target)).map(readOne))).filter((r): r is Raw => r !== undefined);
  if (raws.length === 0) return undefined;
  return raws.reduce((a, b) => ({ cpuSeconds: a.cpuSeconds + b.cpuSeconds, rssBytes: a.rssBytes + b.rssBytes }));
}

/** The node process under the with-parent wrapper: the wrapper's child whose command is node. */
export async function nodeChildOf(wrapperPid: number): Promise<number> {
  return childOf(wrapperPid, 'node');
}

/** The wrapper's child whose command line contains `command` (e.g. the Temporal CLI under with-parent.sh). */
export async function childOf(wrapperPid: number, command: string): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== wrapperPid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(command)) return Number(entry);
  }
  throw new Error(`no ${command} process under pid ${wrapperPid}`);
}

export interface ProcSample {
  atMs: number;
  cpuPercentOfOneCore: number;
  rssMb: number;
}

export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private last: { at: number; raw: Raw } | undefined;

  constructor(private readonly pid: number | number[], private readonly intervalMs = 5_000) {}

  async start(): Promise<void> {
    const raw = await readRaw(this.pid);
    if (raw) this.last = { at: Date.now(), raw };
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const raw = await readRaw(this.pid);
    const at = Date.now();
    if (!raw) return;
    if (this.last) {
      const cpu = (raw.cpuSeconds - this.last.raw.cpuSeconds) / ((at - this.last.at) / 1000);
      this.samples.push({ atMs: at, cpuPercentOfOneCore: Math.round(cpu * 1000) / 10, rssMb: Math.round(raw.rssBytes / 1e5) / 10 });
    }
    this.last = { at, raw };
  }
}
