import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { InProcessEventBus, InProcessPublisher, type SyncEnvelope } from '#sync';
import { startTestAuthServer, type RunningAuthServer } from '../support/auth-server-harness.js';
import { OutboxEventsRepository } from '../../src/outbox/outbox-events.repository.js';
import { OutboxRelayRepository } from '../../src/sync/outbox-relay.repository.js';
import { OutboxRelay } from '../../src/sync/outbox-relay.service.js';
import { eventually, insertOutboxRow, insertOutboxRows, sqlClient, unpublishedCount } from '../support/sync-helpers.js';

// Booting the app on an embedded PGlite (no TEST_DATABASE_URL) takes longer than jest's default.
jest.setTimeout(60_000);

/** Records every publish attempt, duplicates included (the bus itself would absorb them). */
class RecordingBus extends InProcessEventBus {
  readonly published: number[] = [];
  override append(envelope: SyncEnvelope): void {
    this.published.push(envelope.seq);
    super.append(envelope);
  }
}

describe('outbox relay without Redis (in-process bus)', () => {
  const bus = new RecordingBus();
  let server: RunningAuthServer;
  let db: pg.Client;

  beforeAll(async () => {
    server = await startTestAuthServer({ syncEventBus: bus });
    db = await sqlClient(server.database.url);
  });
  afterAll(async () => {
    await db.end();
    await server.close();
  });

  it('publishes onto the bus the launcher passed', async () => {
    const seq = await insertOutboxRow(db, 'bus-test');
    await eventually(() => bus.lastSeq >= seq);
    expect(bus.readUnacked('nobody-yet', 1000).map((envelope) => envelope.seq)).toContain(seq);
  });

  it('never publishes an event twice or out of order while several relays race', async () => {
    const dataSource = server.app.get<DataSource>(getDataSourceToken());
    // Three more relays on the same database next to the app's own, as other instances would be.
    const rivals = [1, 2, 3].map(
      () =>
        new OutboxRelay(
          new OutboxRelayRepository(dataSource, { databasePoolMode: 'session' }),
          new InProcessPublisher(bus),
          server.app.get(OutboxEventsRepository),
        ),
    );
    const before = bus.published.length;
    let done = false;
    const loops = rivals.map(async (relay) => {
      while (!done) await relay.relayOnce();
    });
    const seqs = await insertOutboxRows(db, 'race-', 1000);
    await eventually(async () => (await unpublishedCount(db)) === 0, 20_000);
    done = true;
    await Promise.all(loops);

    const published = bus.published.slice(before);
    expect(new Set(published).size).toBe(published.length);
    expect(published).toEqual([...published].sort((a, b) => a - b));
    expect(published).toEqual(expect.arrayContaining(seqs));
  });
});
