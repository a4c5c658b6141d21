import { Inject, Injectable } from '@nestjs/common';
import { DpopNonceRequired, DpopProofRefused, replayKey, verifyDpopProof, type ReplayStore } from '#dpop';
import { InvalidDpopProof, UseDpopNonce } from '#oauth';
import { requestContextOf } from '#observability';
import type { LaneRequest } from '#operability';
import { AuditWriter } from '../audit/audit-writer.js';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { REPLAY_STORE } from '../replay/replay-store.provider.js';
import { SettingsService } from '../settings/settings.service.js';
import { DpopNonces } from './dpop-nonces.js';
import { endpointUris } from './endpoint-uris.js';

/**
 * The DPoP proof of a request to one of the auth server's endpoints (RFC 9449 §4.3, §5): absent,
 * the request is a bearer one; present, it must be valid (`invalid_dpop_proof`), carry the server
 * nonce when the `dpopNonceRequired` setting says so (`use_dpop_nonce`, with the nonce to use), and
 * be new to every instance (the shared replay store). Resolves to the thumbprint of its key.
 */
@Injectable()
export class RequestProof {
  constructor(
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
    private readonly settings: SettingsService,
    private readonly nonces: DpopNonces,
    private readonly audit: AuditWriter,
  ) {}

  /** `clientId`: the authenticated client the refusal is audited for. */
  async keyThumbprint(request: LaneRequest, clientId: string): Promise<string | undefined> {
    const header = request.headers.dpop;
    if (header === undefined) return undefined;
    const { dpopNonceRequired } = await this.settings.get();
    let proof;
    try {
      proof = await verifyDpopProof(header, { method: request.method, uri: endpointUris(this.config.issuer, request), nonce: dpopNonceRequired ? this.nonces : undefined });
    } catch (error) {
      // A missing nonce is the protocol's first round trip, not an attack: answered, not audited.
      if (error instanceof DpopNonceRequired) throw new UseDpopNonce(this.nonces.current());
      if (error instanceof DpopProofRefused) throw this.refused(request, clientId, error.description);
      throw error;
    }
    if (!(await this.replays.firstUse(replayKey(proof), proof.acceptableUntil))) throw this.refused(request, clientId, 'the DPoP proof was used before');
    return proof.jkt;
  }

  private refused(request: LaneRequest, clientId: string, reason: string): InvalidDpopProof {
    this.audit.record({ action: 'token.dpop_refused', actor: { type: 'client', id: clientId }, targetType: 'client', targetId: clientId, details: { reason } }, requestContextOf(request));
    return new InvalidDpopProof(reason);
  }
}
