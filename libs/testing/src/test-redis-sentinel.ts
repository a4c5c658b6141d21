import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';
import { RedisProcess } from './redis-process.js';

/** The master group the Sentinels watch. */
export const TEST_SENTINEL_MASTER = 'portcullis';
/** A master silent this long is subjectively down; two Sentinels agreeing make it objectively down. */
const DOWN_AFTER_MS = 1000;
const FAILOVER_MS = 30_000;

function dataNode(port: number, dir: string, replicaOf?: number): RedisProcess {
  const replication = replicaOf === undefined ? [] : ['--replicaof', '127.0.0.1', String(replicaOf)];
  return new RedisProcess(port, () => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...replication]);
}

/** A Sentinel rewrites its config file, so each gets its own, written before every start. */
function sentinel(port: number, dir: string, masterPort: number): RedisProcess {
  const config = join(dir, `sentinel-${port}.conf`);
  return new RedisProcess(port, () => {
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${TEST_SENTINEL_MASTER} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${TEST_SENTINEL_MASTER} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${TEST_SENTINEL_MASTER} 10000`,
        '',
      ].join('\n'),
    );
    return [config, '--sentinel'];
  });
}

/**
 * A throwaway Sentinel group of Debian's redis-server: one master, one replica and three
 * Sentinels (quorum 2) on free loopback ports, without persistence, in a temp dir removed at
 * stop; every process killed by its PID.
 */
export class TestRedisSentinel {
  private constructor(
    private readonly dataNodes: RedisProcess[],
    private readonly sentinels: RedisProcess[],
    private readonly dir: string,
  ) {}

  static async start(): Promise<TestRedisSentinel> {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-sentinel-'));
    const masterPort = await freePort();
    const dataNodes = [dataNode(masterPort, dir), dataNode(await freePort(), dir, masterPort)];
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) sentinels.push(sentinel(await freePort(), dir, masterPort));
    const group = new TestRedisSentinel(dataNodes, sentinels, dir);
    try {
      for (const node of dataNodes) await node.start();
      await Promise.all(sentinels.map((node) => node.start()));
      await group.waitUntilWatched(masterPort);
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  get url(): string {
    return `redis+sentinel://${this.sentinels.map((node) => `127.0.0.1:${node.port}`).join(',')}/${TEST_SENTINEL_MASTER}`;
  }

  /** The master's port as the (first answering) Sentinel names it. */
  async masterPort(): Promise<number> {
    const sentinel = this.sentinels.find((node) => node.answering)!;
    const [, port] = (await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', TEST_SENTINEL_MASTER)) as [string, string];
    return Number(port);
  }

  /** SENTINEL FAILOVER: the replica is promoted and the old master turned into its replica. Returns the new master's port. */
  async failover(): Promise<number> {
    const before = await this.masterPort();
    await this.waitUntilReplicaCaughtUp(before);
    await this.sentinels[0].command('SENTINEL', 'FAILOVER', TEST_SENTINEL_MASTER);
    return this.waitForNewMaster(before);
  }

  /** The master killed (SIGKILL, by PID): the Sentinels agree it is down and promote the replica. Returns the new master's port. */
  async killMaster(): Promise<{ killed: number; promoted: number }> {
    const killed = await this.masterPort();
    await this.dataNode(killed).kill();
    return { killed, promoted: await this.waitForNewMaster(killed) };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.dataNodes].map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private dataNode(port: number): RedisProcess {
    const node = this.dataNodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no data node on port ${port}`);
    return node;
  }

  /** Every Sentinel watches the master and knows the replica (and the other Sentinels): a failover can happen. */
  private async waitUntilWatched(masterPort: number): Promise<void> {
    await eventually(
      async () => {
        for (const sentinel of this.sentinels) {
          const master = flat((await sentinel.command('SENTINEL', 'MASTER', TEST_SENTINEL_MASTER)) as string[]);
          if (Number(master.port) !== masterPort || master['num-slaves'] !== '1' || master['num-other-sentinels'] !== '2') return false;
        }
        return true;
      },
      FAILOVER_MS,
      'the Sentinels to watch the master and its replica',
    );
  }

  /**
   * A planned failover promotes a replica that holds what the master held a moment ago: wait until
   * the replica's link is up and its offset reached the master's. Without it, a replica still in its
   * first sync was promoted once with an empty stream (CI dry run), which is not the case under test:
   * what a switch loses is the tail written while it happens.
   */
  private async waitUntilReplicaCaughtUp(masterPort: number): Promise<void> {
    const target = Number(replication(await this.dataNode(masterPort).command('INFO', 'replication')).master_repl_offset);
    const replica = this.dataNodes.find((node) => node.port !== masterPort)!;
    await eventually(
      async () => {
        const state = replication(await replica.command('INFO', 'replication'));
        return state.master_link_status === 'up' && Number(state.slave_repl_offset) >= target;
      },
      FAILOVER_MS,
      `the replica on port ${replica.port} to catch up with the master`,
    );
  }

  /** Every Sentinel names a new master, and that node says it is one. */
  private async waitForNewMaster(old: number): Promise<number> {
    let promoted = old;
    await eventually(
      async () => {
        promoted = await this.masterPort();
        if (promoted === old) return false;
        for (const sentinel of this.sentinels) {
          const [, port] = (await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', TEST_SENTINEL_MASTER)) as [string, string];
          if (Number(port) !== promoted) return false;
        }
        const [role] = (await this.dataNode(promoted).command('ROLE')) as [string];
        return role === 'master';
      },
      FAILOVER_MS,
      `a new master in place of port ${old}`,
    );
    return promoted;
  }
}

/** A Sentinel's [name, value, name, value…] reply as an object. */
function flat(reply: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[reply[i]] = reply[i + 1];
  return fields;
}

/** INFO replication's `key:value` lines. */
function replication(reply: unknown): Record<string, string> {
  return Object.fromEntries(
    String(reply)
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
  );
}
