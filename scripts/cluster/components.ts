/**
 * A set of named child processes whose output goes to one log file each
 * (`<logDir>/<name>.log`) instead of the console, with the last lines kept for error
 * messages; stopped in reverse start order. Shared by the Temporal cluster and the
 * shardpilot services started beside it.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../dev-server.js';
import { ManagedChild } from '../processes.js';

const STOP_GRACE_MS = 15_000;
const TAIL_LINES = 40;

export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd?: string;
}

interface Component {
  child: ManagedChild;
  log: WriteStream;
  tail: string[];
}

export class Components {
  private static readonly everyChild = new Set<ManagedChild>();
  private static exitHandler = false;

  /** with-parent.sh covers a killed parent; one exit handler for all children covers an ordinary exit that skipped stop(). */
  private static killOnExit(child: ManagedChild): void {
    if (!Components.exitHandler) process.once('exit', () => Components.everyChild.forEach((c) => c.killNow()));
    Components.exitHandler = true;
    Components.everyChild.add(child);
    void child.exited.then(() => Components.everyChild.delete(child));
  }

  private readonly running = new Map<string, Component>();
  private stopping = false;
  /** Called when a component exits without being stopped. */
  onUnexpectedExit: (name: string, detail: string) => void = () => undefined;

  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  start(name: string, spec: ProcessSpec, onLine?: (line: string) => void): ManagedChild {
    if (this.running.has(name)) throw new Error(`${name} is already running`);
    const log = createWriteStream(this.logFile(name), { flags: 'a' });
    const tail: string[] = [];
    const child = new ManagedChild({
      name,
      ...spec,
      onLine: (line) => {
        log.write(`${line}\n`);
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        onLine?.(line);
      },
    });
    Components.killOnExit(child);
    const component = { child, log, tail };
    this.running.set(name, component);
    void child.exited.then((exit) => {
      if (this.stopping || child.isStopping || this.running.get(name) !== component) return;
      this.onUnexpectedExit(name, `${exit.signal ?? `code ${exit.code}`}; last lines of ${this.logFile(name)}:\n${tail.slice(-15).join('\n')}`);
    });
    return child;
  }

  get(name: string): ManagedChild | undefined {
    return this.running.get(name)?.child;
  }

  tail(name: string): string {
    return this.running.get(name)?.tail.join('\n') ?? '';
  }

  /** Graceful stop: SIGTERM, then SIGKILL after the grace period. */
  async stop(name: string, graceMs = STOP_GRACE_MS): Promise<void> {
    const component = this.running.get(name);
    if (!component) return;
    await component.child.stop(graceMs);
    this.running.delete(name);
    component.log.end();
  }

  /** SIGKILL, like a host that died: nothing is drained. */
  async kill(name: string): Promise<void> {
    const component = this.running.get(name);
    if (!component) return;
    component.child.killNow();
    await component.child.exited;
    this.running.delete(name);
    component.log.end();
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const name of [...this.running.keys()].reverse()) await this.stop(name);
  }

  /** Polls `ready` until true; fails early with the log's tail when the process exits. */
  async waitUntil(name: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const child = this.get(name);
    if (!child) throw new Error(`${name} is not running`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exit) {
        throw new Error(`${name} exited before it was ready (${child.exit.signal ?? `code ${child.exit.code}`}); last lines of ${this.logFile(name)}:\n${this.tail(name)}`);
      }
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`${name} not ready after ${timeoutMs} ms; last lines of ${this.logFile(name)}:\n${this.tail(name)}`);
      }
      await sleep(250);
    }
  }
}
