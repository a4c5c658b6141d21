import { Injectable } from '@nestjs/common';
import { toSigningKeyResponse, type RotateKeysResponse, type SigningKeyResponse } from './dto/signing-key.response.js';
import { KeyStore, SIGNING_ALG } from './key-store.js';

/** The admin view of the signing keys: their state as stored now (other instances may have rotated), and rotation. */
@Injectable()
export class KeysAdminService {
  constructor(private readonly keys: KeyStore) {}

  async list(): Promise<SigningKeyResponse[]> {
    await this.keys.reload();
    const now = new Date();
    return this.keys.list().map((key) => toSigningKeyResponse(key, now));
  }

  /** `kid`: the new access-token (ES256) key, as before RS256 existed; `kids`: the new key of each algorithm. */
  async rotate(activationDelaySeconds?: number): Promise<RotateKeysResponse> {
    const kids = await this.keys.rotate(activationDelaySeconds);
    return { kid: kids[SIGNING_ALG], kids };
  }
}
