import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SyncEvents, type SyncEnvelope } from '#sync';
import { RegistrySyncService } from './registry-sync.service.js';

/** One handler per event kind; the transport acks only after the returned promise resolved. */
@Controller()
export class SyncEventsController {
  constructor(private readonly sync: RegistrySyncService) {}

  @EventPattern(SyncEvents.clientUpserted)
  clientUpserted(@Payload() envelope: SyncEnvelope<typeof SyncEvents.clientUpserted>): Promise<void> {
    return this.sync.apply(envelope);
  }

  @EventPattern(SyncEvents.clientDeleted)
  clientDeleted(@Payload() envelope: SyncEnvelope<typeof SyncEvents.clientDeleted>): Promise<void> {
    return this.sync.apply(envelope);
  }

  @EventPattern(SyncEvents.scopeUpserted)
  scopeUpserted(@Payload() envelope: SyncEnvelope<typeof SyncEvents.scopeUpserted>): Promise<void> {
    return this.sync.apply(envelope);
  }

  @EventPattern(SyncEvents.scopeDeleted)
  scopeDeleted(@Payload() envelope: SyncEnvelope<typeof SyncEvents.scopeDeleted>): Promise<void> {
    return this.sync.apply(envelope);
  }

  @EventPattern(SyncEvents.clientScopesSet)
  clientScopesSet(@Payload() envelope: SyncEnvelope<typeof SyncEvents.clientScopesSet>): Promise<void> {
    return this.sync.apply(envelope);
  }

  @EventPattern(SyncEvents.tokensRevoked)
  tokensRevoked(@Payload() envelope: SyncEnvelope<typeof SyncEvents.tokensRevoked>): Promise<void> {
    return this.sync.apply(envelope);
  }
}
