import type { RegistryChange } from './apply-rules.js';
import type { RegistryNotice } from '../config/registry-siblings.js';

/** The notice for a change just committed at seq. */
export function noticeOf(change: RegistryChange | null, seq: number): RegistryNotice {
  if (change === null) return { kind: 'seq', seq };
  switch (change.kind) {
    case 'client.upsert':
      return { kind: 'client', id: change.client.clientId, seq };
    case 'client.delete':
    case 'client.scopes':
      return { kind: 'client', id: change.clientId, seq };
    case 'scope.upsert':
      return { kind: 'scope', id: change.scope.name, seq };
    case 'scope.delete':
      return { kind: 'scope', id: change.name, seq };
    case 'tokens.revoke':
      return {
        kind: 'revoked',
        clientId: change.clientId,
        grantIds: change.grantIds,
        revokedBefore: change.revokedBefore?.toISOString() ?? null,
        expiresAt: change.expiresAt?.toISOString() ?? null,
        seq,
      };
  }
}

/** A revocation notice as the change it carried (dates travel as ISO strings). */
export function revocationOf(notice: Extract<RegistryNotice, { kind: 'revoked' }>): RegistryChange {
  return {
    kind: 'tokens.revoke',
    clientId: notice.clientId,
    grantIds: notice.grantIds,
    revokedBefore: notice.revokedBefore === null ? null : new Date(notice.revokedBefore),
    expiresAt: notice.expiresAt === null ? null : new Date(notice.expiresAt),
  };
}
