import { statusOf, type SigningKeyRecord, type SigningKeyStatus } from '../signing-key.js';

/** The wire shape of a signing key: its state, never key material. */
export interface SigningKeyResponse {
  kid: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  status: SigningKeyStatus;
}

export function toSigningKeyResponse(key: SigningKeyRecord, now: Date): SigningKeyResponse {
  return {
    kid: key.kid,
    createdAt: key.createdAt.toISOString(),
    activatedAt: key.activatedAt?.toISOString() ?? null,
    retiredAt: key.retiredAt?.toISOString() ?? null,
    status: statusOf(key, now),
  };
}
