import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { eventually } from './eventually.js';

const LOG_LINES_KEPT = 200;

/**
 * One redis-server (or Sentinel) process of a test's own, on a loopback port, started with
 * `args` and stopped by its PID only: the pieces TestRedisCluster and TestRedisSentinel are built of.
 */
export class RedisProcess {
  private child?: ChildProcess;
  paused = false;
  /** The newest lines of its log (stdout), across restarts: what a failing test shows of it. */
  private readonly logLines: string[] = [];

  constructor(
    readonly port: number,
    private readonly args: () => string[],
    /** requirepass, if the process has one: its own commands authenticate with it. */
    private readonly password?: string,
  ) {}

  /** (Re)starts it with the same arguments; resolves once it answers PING. */
  async start(): Promise<void> {
    const child = spawn('redis-server', this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => this.keepLog(chunk));
    }
    this.paused = false;
    child.once('error', () => undefined);
    await eventually(async () => (await this.command('PING').catch(() => null)) === 'PONG', 5000, `redis-server on port ${this.port}`);
  }

  /** The last `lines` lines it logged. */
  logTail(lines = 40): string {
    return this.logLines.slice(-lines).join('\n');
  }

  private keepLog(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim()) this.logLines.push(line);
    if (this.logLines.length > LOG_LINES_KEPT) this.logLines.splice(0, this.logLines.length - LOG_LINES_KEPT);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Running and not paused. */
  get answering(): boolean {
    return this.running && !this.paused;
  }

  /** SIGSTOP: it neither answers nor replicates, like a hung process. */
  pause(): void {
    if (!this.running) return;
    this.child?.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.running) return;
    this.child?.kill('SIGCONT');
    this.paused = false;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.resume();
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Runs one command on this process alone (no cluster redirects); rejects when it does not answer. */
  async command(...args: (string | number)[]): Promise<unknown> {
    const redis = new Redis({
      host: '127.0.0.1',
      port: this.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
      password: this.password,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(String(args[0]), ...args.slice(1));
    } finally {
      redis.disconnect();
    }
  }
}
