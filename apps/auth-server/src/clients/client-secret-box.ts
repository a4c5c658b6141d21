import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';

const VERSION = 'v1';
const INFO = 'portcullis/client-secret-jwt/v1';

/**
 * client_secret_jwt (RFC 7523 §2.2) verifies an HMAC made with the client secret, so the server
 * needs the secret itself, not its hash. For clients registered with that method only, the secret
 * is also kept sealed with AES-256-GCM under a key derived (HKDF-SHA-256) from
 * CLIENT_SECRET_ENCRYPTION_KEY, the client id as associated data (a sealed secret copied to
 * another row does not open). Without that variable the method is not offered: a database dump
 * alone never yields a usable secret.
 */
@Injectable()
export class ClientSecretBox {
  private readonly key: Buffer | null;

  constructor(@Inject(AUTH_SERVER_CONFIG) config: Pick<AuthServerConfig, 'clientSecretEncryptionKey'>) {
    this.key = config.clientSecretEncryptionKey ? Buffer.from(hkdfSync('sha256', config.clientSecretEncryptionKey, '', INFO, 32)) : null;
  }

  /** Whether client_secret_jwt can be offered (the server has an encryption key). */
  get available(): boolean {
    return this.key !== null;
  }

  seal(secret: string, clientId: string): string {
    if (!this.key) throw new Error('client_secret_jwt is not available: CLIENT_SECRET_ENCRYPTION_KEY is not set');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(clientId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** The secret, or null when it cannot be opened (no key, another key, another client, tampered). */
  open(sealed: string | null, clientId: string): string | null {
    if (!this.key || !sealed) return null;
    const [version, iv, body] = sealed.split('.');
    if (version !== VERSION || !iv || !body) return null;
    try {
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(clientId, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
