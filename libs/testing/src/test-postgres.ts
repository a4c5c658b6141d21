import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';

/**
 * A throwaway PostgreSQL cluster of the test's own, to stop and restart under load (issue 6,
 * SECURITY-CHECKLIST §3): the shared server on 5432 must never be touched. Durability is off
 * (fsync, synchronous_commit) because the cluster lives for one test file; a fast shutdown
 * still checkpoints, so restart() keeps the data.
 */

const PG_ROOT = '/usr/lib/postgresql';
const STOP_TIMEOUT_MS = 15_000;
const START_TIMEOUT_MS = 20_000;

/** The newest installed server's bin directory (Debian layout), or undefined. */
function binDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((name) => existsSync(join(PG_ROOT, name, 'bin', 'initdb')) && existsSync(join(PG_ROOT, name, 'bin', 'postgres')))
    .sort((a, b) => parseFloat(b) - parseFloat(a));
  return versions.length ? join(PG_ROOT, versions[0], 'bin') : undefined;
}

export function postgresServerAvailable(): boolean {
  const bin = binDir();
  if (!bin) return false;
  return process.getuid?.() !== 0 || osUser('postgres') !== undefined;
}

/**
 * PostgreSQL (and PgBouncer) refuse to run as root: as root (CI), initdb and postgres run as this OS user, in a
 * temp directory it owns and as their working directory (the caller's may not be readable to it).
 */
export function osUser(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Keeps the end of a process's output for the error message when it fails. */
function tail(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

export class TestPostgres {
  private child?: ChildProcess;
  private output: () => string = () => '';
  private readonly killOnExit = () => {
    this.thaw();
    this.child?.kill('SIGQUIT');
  };

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly user: { uid: number; gid: number } | undefined,
  ) {}

  /** A new cluster (initdb into a temp directory), started on a free loopback port. */
  static async start(): Promise<TestPostgres> {
    const bin = binDir();
    if (!bin) throw new Error(`no PostgreSQL server binaries under ${PG_ROOT}`);
    const user = process.getuid?.() === 0 ? osUser('postgres') : undefined;
    if (process.getuid?.() === 0 && !user) throw new Error('running as root and there is no postgres OS user to run PostgreSQL as');
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-pg-'));
    const postgres = new TestPostgres(await freePort(), dir, bin, user);
    try {
      if (user) chownSync(dir, user.uid, user.gid);
      await postgres.initdb();
      await postgres.start();
    } catch (error) {
      await postgres.destroy();
      throw error;
    }
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** (Re)starts the server on the same port and data; resolves once it accepts queries. */
  async start(): Promise<void> {
    if (this.running) return;
    const args = ['-D', this.dataDir, '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1'];
    for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=100', 'shared_buffers=32MB', 'log_min_messages=warning']) args.push('-c', setting);
    const child = spawn(join(this.bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir, ...this.user });
    this.child = child;
    this.output = tail(child);
    child.once('error', () => undefined);
    process.once('exit', this.killOnExit);
    try {
      await eventually(() => !this.running || this.acceptsQueries(), START_TIMEOUT_MS, `PostgreSQL on port ${this.port}`);
      if (!this.running) throw new Error(`PostgreSQL exited on start: ${this.output()}`);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Fast shutdown (SIGINT to the postmaster we started): sessions are cut with 57P01, data is kept. */
  async stop(): Promise<void> {
    const child = this.child;
    process.removeListener('exit', this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      // A fast shutdown that hangs (it should not) becomes an immediate one, so that stop() is bounded.
      const escalate = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(escalate);
        resolve();
      });
      // A frozen cluster would not see the signal.
      this.thaw();
      child.kill('SIGINT');
    });
  }

  /**
   * SIGSTOP to the postmaster and its backends: connections stay open and nothing answers, as in
   * a network partition or a frozen VM (a hang, where stop() is a refusal). thaw() undoes it.
   */
  freeze(): void {
    this.signalCluster('SIGSTOP');
  }

  thaw(): void {
    this.signalCluster('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops the server and deletes the cluster. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Our postmaster and its children only: found by parent PID, never by name. */
  private signalCluster(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!this.running || pid === undefined) return;
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const target of [pid, ...children]) {
      try {
        process.kill(target, signal);
      } catch {
        // a backend that exited meanwhile
      }
    }
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private initdb(): Promise<void> {
    const args = ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'];
    const child = spawn(join(this.bin, 'initdb'), args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir, ...this.user });
    const output = tail(child);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb exited with ${code}: ${output()}`))));
    });
  }

  private async acceptsQueries(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
