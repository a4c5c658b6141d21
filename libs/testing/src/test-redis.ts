import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';

/** Whether redis-server is installed: the suites that break a Redis of their own skip without it. */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !probe.error && probe.status === 0;
}

/**
 * A throwaway redis-server without persistence, so that a restart comes back empty (F-2): for the
 * suites that stop, pause or restart Redis (SECURITY-CHECKLIST §3). Killed by its PID only.
 */
export class TestRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** `args` are extra redis-server options, e.g. ['--requirepass', 'secret']. */
  static async start(args: string[] = []): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), args);
    await redis.start();
    return redis;
  }

  /** (Re)starts it on the same port. */
  async start(): Promise<void> {
    if (this.running) return;
    const options = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.args];
    const child = spawn('redis-server', options, { stdio: 'ignore' });
    this.child = child;
    child.once('error', () => undefined);
    try {
      await eventually(() => this.accepts(), 5000, `redis-server on port ${this.port}`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGSTOP, like `docker pause`: connections stay open and nothing answers (a hung Redis, not a refusing one). */
  pause(): void {
    if (this.running) this.child?.kill('SIGSTOP');
  }

  resume(): void {
    if (this.running) this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(this.port, '127.0.0.1');
    });
  }
}
