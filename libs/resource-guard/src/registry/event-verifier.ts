import { errors } from 'jose';
import { RejectedEvent, verifyEvent, type SyncEnvelope } from '#sync';
import { remoteKeySet, type RemoteKeySet } from '../jwks/remote-key-set.js';
import type { ResourceGuardConfig } from '../config/resource-guard.config.js';

/**
 * Checks that a stream entry was signed by this installation's auth server: its JWKS, its issuer
 * (SECURITY-CHECKLIST RS-12 for the refetch rule). An unknown kid refetches the JWKS once; still
 * unknown, the event is foreign (RejectedEvent, dead letter). While the cooldown forbids a refetch
 * an unknown kid is not judged yet: the entry is retried, so a key just rotated in is never
 * mistaken for another installation's.
 */
export class EventVerifier {
  private readonly jwks: RemoteKeySet;

  constructor(
    private readonly config: Pick<ResourceGuardConfig, 'issuer' | 'authServerUrl'>,
    onJwksFetch?: () => void,
  ) {
    // The access-token verifier's cooldown: below the auth server's key activation delay.
    this.jwks = remoteKeySet(`${config.authServerUrl}/oauth/jwks`, onJwksFetch);
  }

  readonly verify = async (raw: string): Promise<SyncEnvelope> => {
    const couldNotRefetch = this.jwks.coolingDown;
    try {
      return await verifyEvent(raw, this.jwks, this.config.issuer);
    } catch (error) {
      if (couldNotRefetch && error instanceof RejectedEvent && error.unknownKey) {
        throw new errors.JOSEError('unknown signing key; the JWKS is refetched after its cooldown before the event is judged');
      }
      throw error;
    }
  };
}
