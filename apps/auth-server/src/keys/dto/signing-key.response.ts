import { statusOf, type SigningAlg, type SigningKeyRecord, type SigningKeyStatus } from '../signing-key.js';

/** The wire shape of a signing key: its state, never key material. */
export interface SigningKeyResponse {
  kid: string;
  alg: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  status: SigningKeyStatus;
}

export function toSigningKeyResponse(key: SigningKeyRecord, now: Date): SigningKeyResponse {
  return {
    kid: key.kid,
    alg: key.alg,
    createdAt: key.createdAt.toISOString(),
    activatedAt: key.activatedAt?.toISOString() ?? null,
    retiredAt: key.retiredAt?.toISOString() ?? null,
    status: statusOf(key, now),
  };
}

/** POST /admin/v1/keys/rotate. */
export interface RotateKeysResponse {
  kid: string;
  kids: Record<SigningAlg, string>;
}
