/**
 * Child processes of the local stack and the test harness. Each child runs in its own
 * process group so that stopping it also stops what it spawned (tsx → node), which a
 * plain `child.kill()` would leave behind as orphans.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const WITH_PARENT = resolve(import.meta.dirname, 'with-parent.sh');

export interface ChildOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Receives every stdout/stderr line of the child. */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedChild {
  readonly name: string;
  private readonly process: ChildProcess;
  private exitInfo: ExitInfo | undefined;
  private stopping = false;
  /** Resolves when the child has exited, whatever the reason. */
  readonly exited: Promise<ExitInfo>;

  constructor(options: ChildOptions) {
    this.name = options.name;
    // The wrapper stops the command if this process dies without cleaning up (SIGKILL, a crash).
    this.process = spawn('bash', [WITH_PARENT, String(process.pid), options.command, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.process.once('error', (err) => {
        options.onLine(`failed to start ${options.command}: ${err.message}`, 'stderr');
        this.exitInfo = { code: 127, signal: null };
        resolve(this.exitInfo);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.process[stream];
      if (source === null) continue;
      createInterface({ input: source }).on('line', (line) => options.onLine(line, stream));
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Undefined while running; set once the child exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** True when `stop()` was called, so its exit is expected rather than a crash. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /**
   * SIGTERM to the leader (the with-parent wrapper relays it to the command once; a
   * group-wide SIGTERM would reach the command twice, which many programs read as
   * "stop now, skip draining"), then SIGKILL to the group after `graceMs`.
   */
  async stop(graceMs: number): Promise<ExitInfo> {
    this.stopping = true;
    if (this.exitInfo === undefined) {
      this.signalLeader('SIGTERM');
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    // The leader may be gone while a grandchild still runs in its group.
    this.signalGroup('SIGKILL');
    await this.groupGone(3000);
    return this.exited;
  }

  /** Signals are delivered asynchronously: wait (bounded) until no process of the group is left. */
  private async groupGone(timeoutMs: number): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined) return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        process.kill(-pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Last resort from a synchronous `exit` handler: no waiting possible there. */
  killNow(): void {
    this.stopping = true;
    this.signalGroup('SIGKILL');
  }

  private signalLeader(signal: NodeJS.Signals): void {
    try {
      this.process.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone, which is what we wanted.
    }
  }
}
