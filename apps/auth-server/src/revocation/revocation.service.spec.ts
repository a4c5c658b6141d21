import { describe, expect, it } from '@jest/globals';
import { TemporarilyUnavailable, UnauthorizedClient } from '#oauth';
import type { Client } from '../clients/client.js';
import type { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import type { GrantsRepository } from '../tokens/grants.repository.js';
import type { TokenRevoker } from '../tokens/token-revoker.js';
import { RevocationService } from './revocation.service.js';

const client = { id: 'ref-1', clientId: 'app' } as Client;

function service(revokeGrant: (id: string) => Promise<boolean>, clientId = 'app'): RevocationService {
  const verifier = { verify: async () => ({ gid: 'grant-1', client_id: clientId }) } as unknown as AccessTokenVerifier;
  const grants = { findByRefreshHash: async () => null } as unknown as GrantsRepository;
  return new RevocationService(verifier, grants, { revokeGrant } as unknown as TokenRevoker);
}

describe(RevocationService.name, () => {
  it('revokes the grant of an access token of the calling client', async () => {
    const revoked: string[] = [];
    await service(async (id) => revoked.push(id) > 0).revoke(client, 'a.b.c');
    expect(revoked).toEqual(['grant-1']);
  });

  it("refuses another client's token with unauthorized_client and leaves it alone (RV-2)", async () => {
    const revoked: string[] = [];
    await expect(service(async (id) => revoked.push(id) > 0, 'other').revoke(client, 'a.b.c')).rejects.toBeInstanceOf(UnauthorizedClient);
    expect(revoked).toEqual([]);
  });

  it('RV-5: a database failure is 503 temporarily_unavailable, never a silent 200', async () => {
    const failing = service(() => Promise.reject(new Error('Connection terminated unexpectedly')));
    await expect(failing.revoke(client, 'a.b.c')).rejects.toBeInstanceOf(TemporarilyUnavailable);
  });
});
