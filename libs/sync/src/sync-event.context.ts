import { BaseRpcContext } from '@nestjs/microservices';
import type { SyncEnvelope } from './events.js';

/** The `@Ctx()` a sync event handler receives: the envelope being applied. */
export class SyncEventContext extends BaseRpcContext<[SyncEnvelope]> {
  getEnvelope(): SyncEnvelope {
    return this.args[0];
  }
}
