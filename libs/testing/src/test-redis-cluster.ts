import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';
import { RedisProcess } from './redis-process.js';

function clusterNode(port: number, busPort: number, dir: string, password?: string): RedisProcess {
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  return new RedisProcess(
    port,
    () => [
      ...auth,
      ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
      ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(NODE_TIMEOUT_MS)],
      ...['--dir', dir, '--save', '', '--appendonly', 'no'],
    ],
    password,
  );
}

/** Automatic failover starts after a master has been unreachable this long (cluster-node-timeout). */
const NODE_TIMEOUT_MS = 1000;
const CLUSTER_READY_MS = 20_000;
/** More than loopback's socket buffers hold for a reader that stopped (here up to 4 MB sent, 32 MB received); under the replica output buffer's 64 MB soft limit. */
const REPLICATION_FILLER_BYTES = 48 * 1024 * 1024;

/**
 * A throwaway Redis Cluster of Debian's redis-server: `masters` masters with one replica each, on
 * free loopback ports (client and bus), without persistence, in a temp dir removed at stop. For
 * the suites that run the stack on a cluster and fail over the master of a key.
 */
export class TestRedisCluster {
  private constructor(
    private readonly nodes: RedisProcess[],
    private readonly dir: string,
    private readonly password?: string,
  ) {}

  /** `password`: every node requires it (requirepass, and masterauth for replication). */
  static async start(masters = 3, password?: string): Promise<TestRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-cluster-'));
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < masters * 2; i++) nodes.push(clusterNode(await freePort(), await freePort(), dir, password));
    const cluster = new TestRedisCluster(nodes, dir, password);
    try {
      await Promise.all(nodes.map((node) => node.start()));
      const create = spawnSync(
        'redis-cli',
        [
          ...(password ? ['-a', password, '--no-auth-warning'] : []),
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Every node as a seed, the way an operator lists them in REDIS_URL, with the password if any. */
  get url(): string {
    return this.urlWithPassword(this.password);
  }

  urlWithPassword(password: string | undefined): string {
    return `redis+cluster://${password ? `:${encodeURIComponent(password)}@` : ''}${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}`;
  }

  /** The port of the master serving `key`'s slot now, and of its replicas, as a live node sees it. */
  async placementOf(key: string): Promise<{ master: number; replicas: number[] }> {
    return this.placementSeenBy(this.live()[0], key);
  }

  private async placementSeenBy(node: RedisProcess, key: string): Promise<{ master: number; replicas: number[] }> {
    const slot = Number(await node.command('CLUSTER', 'KEYSLOT', key));
    const ranges = (await node.command('CLUSTER', 'SLOTS')) as [number, number, ...[string, number, string][]][];
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    const [, , master, ...replicas] = range;
    return { master: master[1], replicas: replicas.map((replica) => replica[1]) };
  }

  /**
   * A planned failover (CLUSTER FAILOVER on a replica): the replica catches up with its master
   * before the roles swap, so no acknowledged write is lost. Resolves once every live node maps
   * the slot to the new master. Returns the new master's port.
   */
  async failover(key: string): Promise<number> {
    const { master, replica: promoted } = await this.replicatedPlacementOf(key);
    await this.node(promoted).command('CLUSTER', 'FAILOVER');
    await this.waitForMaster(key, promoted);
    // The old master turns replica and resyncs; until every node lists it (CLUSTER SLOTS leaves out
    // a replica not yet known to hold data), the next failover would find no replica to promote.
    await this.replicatedPlacementOf(key, master);
    return promoted;
  }

  /**
   * An unplanned one: the master of `key` is killed (SIGKILL, by PID) and its replica promotes
   * itself after cluster-node-timeout. Writes the replica had not yet received are lost, as in
   * production. A replica paused by pauseReplicaOf is resumed once the master is dead.
   */
  async killMasterOf(key: string, pausedReplica?: number): Promise<{ killed: number; promoted: number }> {
    // A paused replica is soon marked failed and left out of CLUSTER SLOTS: the caller names it.
    // Otherwise the replica must be replicating when the master dies, or it may not promote itself.
    const { master, replica: promoted } =
      pausedReplica === undefined ? await this.replicatedPlacementOf(key) : { master: (await this.placementOf(key)).master, replica: pausedReplica };
    await this.node(master).kill();
    if (pausedReplica !== undefined) this.resume(pausedReplica);
    await this.waitForMaster(key, promoted);
    return { killed: master, promoted };
  }

  /**
   * Starts a killed node again with its nodes.conf: it rejoins, and as its old slots have a new
   * master it becomes that master's replica. Resolves once it is listed as a replica of `key`'s master.
   */
  async restart(port: number, key: string): Promise<void> {
    await this.node(port).start();
    await this.replicatedPlacementOf(key, port);
    await this.waitUntilHealthy();
  }

  /**
   * The replica of `key`'s master stops (SIGSTOP) until `resume`, and what the master writes from
   * now on cannot reach it: a paused process still takes TCP data into its socket buffer, so the
   * master first sends it more than those buffers hold (a filler key on the same master), and
   * later writes wait in the master's output buffer, lost if the master dies. Returns the replica's port.
   */
  async pauseReplicaOf(key: string): Promise<number> {
    const { master, replica } = await this.replicatedPlacementOf(key);
    this.node(replica).pause();
    const filler = await this.keyOnMaster(master);
    await this.node(master).command('SET', filler, 'x'.repeat(REPLICATION_FILLER_BYTES));
    return replica;
  }

  /** A key whose slot `master` serves. */
  private async keyOnMaster(master: number): Promise<string> {
    for (let i = 0; i < 10_000; i++) {
      const key = `portcullis:test:filler:${i}`;
      if ((await this.placementOf(key)).master === master) return key;
    }
    throw new Error(`no key found on the master at port ${master}`);
  }

  resume(port: number): void {
    this.node(port).resume();
  }

  /** Kills every node it started, by PID, and removes the temp dir. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private node(port: number): RedisProcess {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  }

  private live(): RedisProcess[] {
    return this.nodes.filter((node) => node.answering);
  }

  /**
   * Waits until `key`'s master has a replica (`replica`, if named) whose link to it is up and that
   * every live node lists: what a failover of that master needs. Resolves to the two ports.
   */
  private async replicatedPlacementOf(key: string, replica?: number): Promise<{ master: number; replica: number }> {
    let settled: { master: number; replica: number } | undefined;
    const replicating = async (): Promise<boolean> => {
      const placement = await this.placementOf(key).catch(() => undefined);
      if (!placement) return false;
      const { master, replicas } = placement;
      const candidate = replica ?? replicas[0];
      if (candidate === undefined || !this.node(candidate).answering) return false;
      const info = String(
        await this.node(candidate)
          .command('INFO', 'replication')
          .catch(() => ''),
      );
      if (!info.includes(`master_port:${master}\r\n`) || !info.includes('master_link_status:up')) return false;
      for (const node of this.live()) {
        const seen = await this.placementSeenBy(node, key).catch(() => undefined);
        if (seen?.master !== master || !seen.replicas.includes(candidate)) return false;
      }
      settled = { master, replica: candidate };
      return true;
    };
    await this.explainingTimeout(replica ?? (await this.placementOf(key)).master, () =>
      eventually(replicating, CLUSTER_READY_MS, `a replica of ${key}'s master${replica ? ` (port ${replica})` : ''} replicating, as every node sees it`),
    );
    return settled!;
  }

  private async waitForMaster(key: string, port: number): Promise<void> {
    await this.explainingTimeout(port, () =>
      eventually(
        async () => {
          for (const node of this.live()) {
            if ((await this.placementSeenBy(node, key).catch(() => undefined))?.master !== port) return false;
          }
          return this.healthy();
        },
        CLUSTER_READY_MS,
        `port ${port} to serve ${key} on every node`,
      ),
    );
  }

  /** A wait on the cluster that times out says what `port` logged and how it sees the cluster: an election that did not happen is Redis's story to tell. */
  private async explainingTimeout(port: number, wait: () => Promise<unknown>): Promise<void> {
    try {
      await wait();
    } catch (error) {
      const node = this.node(port);
      const nodes = await node.command('CLUSTER', 'NODES').catch((failure: Error) => `(no answer: ${failure.message})`);
      throw new Error(`${(error as Error).message}\nCLUSTER NODES at port ${port}:\n${String(nodes)}\nits log:\n${node.logTail()}`);
    }
  }

  /** At start: every slot served, and every node already sees each master's replica (gossip takes a moment). */
  private async waitUntilHealthy(): Promise<void> {
    await eventually(
      async () => (await this.healthy()) && (await this.everyMasterReplicated()),
      CLUSTER_READY_MS,
      'the cluster to cover every slot, with a replica each',
    );
  }

  private async everyMasterReplicated(): Promise<boolean> {
    for (const node of this.live()) {
      const ranges = (await node.command('CLUSTER', 'SLOTS').catch(() => [])) as unknown[][];
      if (ranges.length === 0 || ranges.some((range) => range.length < 4)) return false;
    }
    return true;
  }

  /** Every live node reports the cluster ok with all 16384 slots served. */
  private async healthy(): Promise<boolean> {
    for (const node of this.live()) {
      const info = String(await node.command('CLUSTER', 'INFO').catch(() => ''));
      if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false;
    }
    return true;
  }
}
