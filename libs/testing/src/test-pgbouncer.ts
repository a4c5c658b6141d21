import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';
import { osUser } from './test-postgres.js';

const PGBOUNCER = '/usr/sbin/pgbouncer';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export function pgbouncerAvailable(): boolean {
  return existsSync(PGBOUNCER);
}

export interface TestPgBouncerOptions {
  /** The PostgreSQL server it pools for (a postgres:// URL; its user, password, host and port). */
  serverUrl: string;
  poolMode: 'session' | 'transaction';
  /** Server connections per database and user: small, so that transactions do change connection. */
  poolSize?: number;
}

/**
 * A PgBouncer of the test's own on a spare loopback port, in front of `serverUrl`'s server for
 * every database name (`* =`): its pgbouncer.ini and userlist in a temp directory, stopped by its
 * PID. Clients are trusted; the userlist carries the server password, if any, for the server login.
 * `ignore_startup_parameters = statement_timeout` is what docs/pgbouncer.md asks of operators.
 */
export class TestPgBouncer {
  private child?: ChildProcess;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(options: TestPgBouncerOptions): Promise<TestPgBouncer> {
    const user = process.getuid?.() === 0 ? osUser('postgres') : undefined;
    if (process.getuid?.() === 0 && !user) throw new Error('running as root and there is no postgres OS user to run PgBouncer as');
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-pgbouncer-'));
    const bouncer = new TestPgBouncer(await freePort(), dir);
    const server = new URL(options.serverUrl);
    const username = decodeURIComponent(server.username || 'postgres');
    writeFileSync(join(dir, 'userlist.txt'), `"${username}" "${decodeURIComponent(server.password)}"\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${bouncer.port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        `pool_mode = ${options.poolMode}`,
        `default_pool_size = ${options.poolSize ?? 3}`,
        'ignore_startup_parameters = statement_timeout',
        'max_client_conn = 200',
        '',
      ].join('\n'),
    );
    if (user) chownSync(dir, user.uid, user.gid);
    for (const file of ['userlist.txt', 'pgbouncer.ini']) if (user) chownSync(join(dir, file), user.uid, user.gid);
    try {
      await bouncer.spawn(user);
    } catch (error) {
      await bouncer.stop();
      throw error;
    }
    return bouncer;
  }

  /** `url` (a database of the pooled server) as reached through this PgBouncer. */
  urlFor(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM to the PgBouncer we started (immediate shutdown), then its directory is removed. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      await new Promise<void>((resolve) => {
        const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        child.once('exit', () => {
          clearTimeout(escalate);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    process.removeListener('exit', this.killOnExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private async spawn(user: { uid: number; gid: number } | undefined): Promise<void> {
    const child = spawn(PGBOUNCER, [join(this.dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir, ...user });
    this.child = child;
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', () => undefined);
    process.once('exit', this.killOnExit);
    await eventually(() => !this.running || this.accepts(), START_TIMEOUT_MS, `pgbouncer on port ${this.port}`);
    if (!this.running) throw new Error(`pgbouncer exited on start: ${this.output}`);
  }

  /** Listening: PgBouncer opens its port once its configuration is loaded. */
  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  }
}
