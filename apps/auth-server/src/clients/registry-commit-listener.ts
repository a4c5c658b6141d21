import { Injectable } from '@nestjs/common';
import { OutboxEventsRepository } from '../outbox/outbox-events.repository.js';
import { RegistryChangeMarker } from './registry-change-marker.js';

/**
 * Every change the caches depend on (clients, scopes, associations, revocations) appends an
 * outbox event in its transaction. Right after such a transaction commits in this process, and
 * before its caller can answer, this tells RegistryChangeMarker's listeners, whoever wrote it
 * (admin services, TokenRevoker, provisioning): the change applies here at once.
 */
@Injectable()
export class RegistryCommitListener {
  constructor(outboxEvents: OutboxEventsRepository, marker: RegistryChangeMarker) {
    outboxEvents.onEventsCommitted(() => marker.notify());
  }
}
