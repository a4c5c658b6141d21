import { Injectable } from '@nestjs/common';
import type { Tx } from '#database';
import type { SyncEventKind, SyncEventPayloads } from '#sync';
import { OutboxEventsRepository } from './outbox-events.repository.js';

/**
 * Appends an event to the outbox inside the caller's transaction (transactional outbox), so the
 * event exists if and only if the change committed. Writers commit in seq order
 * (OutboxEventsRepository.append), so a relay never sees seq N+1 before seq N.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly events: OutboxEventsRepository) {}

  async append<K extends SyncEventKind>(tx: Tx, kind: K, entityId: string, entityVersion: number, payload: SyncEventPayloads[K]): Promise<void> {
    await this.events.append(tx, kind, entityId, entityVersion, payload);
  }
}
