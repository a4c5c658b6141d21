import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { SettingsService } from '../settings/settings.service.js';
import { currentSigningKey, isPublished, publicMembers, type SigningKeyRecord } from './signing-key.js';
import { SigningKeysRepository, type NewSigningKey } from './signing-keys.repository.js';

export const SIGNING_ALG = 'ES256';
/** Every instance re-reads the keys this often, so a rotation done elsewhere is picked up. */
const RELOAD_MS = 5000;
/** An unknown kid triggers at most one reload per this interval (no DB amplification by garbage). */
const UNKNOWN_KID_RELOAD_MS = 1000;
/** Default pause between publishing a new key and signing with it, so caches see it first. */
export const DEFAULT_ACTIVATION_DELAY_SECONDS = 10;

export interface SigningMaterial {
  kid: string;
  key: CryptoKey;
}

/**
 * The signing keys of this instance: loaded at boot (creating the first one if needed), reloaded
 * periodically, with imported CryptoKeys cached per kid so signing and verifying cost no import.
 */
@Injectable()
export class KeyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyStore.name);
  private keys: SigningKeyRecord[] = [];
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  private timer?: NodeJS.Timeout;
  private lastUnknownKidReload = 0;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly settings: SettingsService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.withKeyLock(async (tx) => {
      if (!currentSigningKey(await tx.all(), new Date())) await tx.insert(await newKeyPair(), 0);
    });
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((error: unknown) => this.logger.warn(`key reload failed: ${String(error)}`)), RELOAD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    this.keys = await this.repository.all();
  }

  /** Publishes a new key now; it signs after `activationDelaySeconds`, when the current one retires. */
  async rotate(activationDelaySeconds = DEFAULT_ACTIVATION_DELAY_SECONDS): Promise<string> {
    const { accessTokenLifetimeSeconds } = await this.settings.get();
    const key = await newKeyPair();
    await this.repository.withKeyLock(async (tx) => {
      await tx.retireActive(activationDelaySeconds, await tx.longestAccessTokenLifetime(accessTokenLifetimeSeconds));
      await tx.insert(key, activationDelaySeconds);
    });
    await this.reload();
    return key.kid;
  }

  list(): readonly SigningKeyRecord[] {
    return this.keys;
  }

  publicJwks(now = new Date()): { keys: JWK[] } {
    return { keys: this.keys.filter((key) => isPublished(key, now)).map(publicMembers) };
  }

  async signingMaterial(now = new Date()): Promise<SigningMaterial> {
    const record = currentSigningKey(this.keys, now);
    if (!record) throw new Error('no active signing key');
    return { kid: record.kid, key: await this.importOnce(record.kid, record.privateJwk) };
  }

  /** The public key for a kid we published, or null. */
  async verificationKey(kid: string, now = new Date()): Promise<CryptoKey | null> {
    let record = this.keys.find((key) => key.kid === kid);
    if (!record && Date.now() - this.lastUnknownKidReload > UNKNOWN_KID_RELOAD_MS) {
      this.lastUnknownKidReload = Date.now();
      await this.reload();
      record = this.keys.find((key) => key.kid === kid);
    }
    if (!record || !isPublished(record, now)) return null;
    return this.importOnce(`public:${kid}`, record.publicJwk);
  }

  private importOnce(cacheKey: string, jwk: JWK): Promise<CryptoKey> {
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = importJWK(jwk, SIGNING_ALG) as Promise<CryptoKey>;
      this.imported.set(cacheKey, key);
    }
    return key;
  }
}

async function newKeyPair(): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { kid: await calculateJwkThumbprint(publicJwk), alg: SIGNING_ALG, publicJwk, privateJwk: await exportJWK(privateKey) };
}
