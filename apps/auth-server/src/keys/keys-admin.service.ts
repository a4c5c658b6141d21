import { Injectable } from '@nestjs/common';
import { toSigningKeyResponse, type SigningKeyResponse } from './dto/signing-key.response.js';
import { KeyStore } from './key-store.js';

/** The admin view of the signing keys: their state as stored now (other instances may have rotated), and rotation. */
@Injectable()
export class KeysAdminService {
  constructor(private readonly keys: KeyStore) {}

  async list(): Promise<SigningKeyResponse[]> {
    await this.keys.reload();
    const now = new Date();
    return this.keys.list().map((key) => toSigningKeyResponse(key, now));
  }

  /** The new key's kid. */
  rotate(activationDelaySeconds?: number): Promise<string> {
    return this.keys.rotate(activationDelaySeconds);
  }
}
