import { Injectable, Logger } from '@nestjs/common';
import { storableText } from '#audit';
import { currentRequestContext } from '#observability';
import { AdminAuditRepository } from '../audit/admin-audit.repository.js';
import type { ClientBasicRefusal } from './client-basic-refusal.js';

/** A refused Basic call, as the trail records it. */
export interface RefusedBasicCall {
  reason: ClientBasicRefusal;
  /** As presented (undefined when the header could not be read). */
  clientId: string | undefined;
  /** The route's prefix. */
  route: string;
  /** The caller's address (for forward auth, as the proxy describes it). */
  ip: string;
}

/**
 * Refused Basic calls in the resource server's audit trail (GET /admin/v1/audit), action
 * `client_basic.refused`, and `client_basic.throttled` when failures lock a client id or an
 * address. Calls refused while a lock holds are not written (they are counted in the metrics):
 * a guessing run would otherwise write a row per guess. Written off the request's path; a row
 * that cannot be written is logged.
 */
@Injectable()
export class ClientBasicAudit {
  private readonly logger = new Logger('ClientBasicAudit');

  constructor(private readonly repository: AdminAuditRepository) {}

  refused(call: RefusedBasicCall): void {
    this.write('client_basic.refused', call, {});
  }

  throttled(call: RefusedBasicCall, locked: 'client' | 'ip', lockoutSeconds: number): void {
    this.write('client_basic.throttled', call, { locked, lockoutSeconds });
  }

  private write(action: string, call: RefusedBasicCall, extra: Record<string, unknown>): void {
    const clientId = call.clientId === undefined ? null : storableText(call.clientId.slice(0, 256));
    this.repository
      .insert({
        actor: clientId,
        actorType: clientId === null ? 'anonymous' : 'client',
        clientId,
        action,
        targetType: 'route',
        targetId: call.route,
        details: { reason: call.reason, route: call.route, outcome: 'refused', ...extra },
        ip: storableText(call.ip),
        requestId: currentRequestContext()?.requestId ?? null,
      })
      .catch((error: unknown) => this.logger.error(`audit row lost (${action}, ${call.reason}): ${(error as Error).message}`));
  }
}
