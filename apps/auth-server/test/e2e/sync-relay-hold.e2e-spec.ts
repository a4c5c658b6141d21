import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { InProcessEventBus, InProcessPublisher, type SyncEnvelope, type SyncPublisher } from '#sync';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { adminOk } from '../support/test-clients.js';
import { OutboxEventsRepository } from '../../src/outbox/outbox-events.repository.js';
import { OutboxRelayRepository } from '../../src/sync/outbox-relay.repository.js';
import { OutboxRelay } from '../../src/sync/outbox-relay.service.js';
import { eventually, insertOutboxRow, sqlClient } from '../support/sync-helpers.js';

jest.setTimeout(90_000);

/** Records every publish attempt, duplicates included (the bus itself would absorb them). */
class RecordingBus extends InProcessEventBus {
  readonly published: number[] = [];
  override append(envelope: SyncEnvelope): void {
    this.published.push(envelope.seq);
    super.append(envelope);
  }
}

/** A publisher whose broker stopped answering (a paused Redis) until the test lets it go on. */
class StalledPublisher implements SyncPublisher {
  stalled = 0;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly next: SyncPublisher) {}

  async publish(envelope: SyncEnvelope): Promise<void> {
    this.stalled++;
    await this.released;
    await this.next.publish(envelope);
  }

  resume(): void {
    this.release();
  }

  async close(): Promise<void> {}
}

/**
 * The relay must not hold the database while it waits for its broker: on the embedded PGlite
 * (one session for every connection) a relay that kept its transaction open across a hung XADD
 * held up every token and admin write until Redis answered (issue 12 item 8). Another relay must
 * still not overtake the stalled one, so events keep their order and are published once.
 */
describe('outbox relay stalled on its broker', () => {
  const bus = new RecordingBus();
  let server: RunningAuthServer;
  let db: pg.Client;

  beforeAll(async () => {
    server = await startTestAuthServer({ syncEventBus: bus });
    db = await sqlClient(server.database.url);
  });
  afterAll(async () => {
    await db?.end();
    await server?.close();
  });

  it('lets admin writes commit while it waits, and no other relay publishes past it', async () => {
    const dataSource = server.app.get<DataSource>(getDataSourceToken());
    const stalled = new StalledPublisher(new InProcessPublisher(bus));
    // A second instance's relay, stuck in a publish: it takes a batch as soon as it wins the lock.
    const relay = new OutboxRelay(new OutboxRelayRepository(dataSource, { databasePoolMode: 'session' }), stalled, server.app.get(OutboxEventsRepository));
    // Another relay (the app's own) may win a round: try again with a fresh row until this one stalls.
    let pass: Promise<number> | undefined;
    await eventually(async () => {
      if (stalled.stalled > 0) return true;
      if (!pass) {
        await insertOutboxRow(db, `stalled-${Date.now()}`);
        pass = relay.relayOnce().finally(() => {
          if (!stalled.stalled) pass = undefined;
        });
      }
      return false;
    }, 30_000);
    const publishedBefore = bus.published.length;

    let outcome: 'written' | Error | undefined;
    void adminOk(server, 'POST', '/admin/v1/scopes', { name: 'written-during-stall', description: 'x' }).then(
      () => (outcome = 'written'),
      (error: Error) => (outcome = error),
    );
    // Bounded wait, no timing: the old code made the write wait for the broker (here: for ever,
    // so the database pool gave up and the write answered 503).
    await eventually(() => outcome !== undefined, 60_000);
    expect(outcome).toBe('written');
    expect(stalled.stalled).toBe(1);
    // The app's own relay saw the lock taken: the new event waits behind the stalled batch.
    const [{ published_at }] = (await db.query("SELECT published_at FROM outbox_events WHERE kind = 'scope.upserted' AND entity_id = 'written-during-stall'"))
      .rows;
    expect(published_at).toBeNull();
    expect(bus.published.length).toBe(publishedBefore);

    stalled.resume();
    await pass;
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL')).rows[0].n === 0, 30_000);
    const published = bus.published.slice(publishedBefore);
    expect(new Set(published).size).toBe(published.length);
    expect(published).toEqual([...published].sort((a, b) => a - b));
  });
});
