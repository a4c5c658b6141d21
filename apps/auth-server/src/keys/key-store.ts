import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { hkdfSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { SettingsService } from '../settings/settings.service.js';
import {
  currentSigningKey,
  ID_TOKEN_LIFETIME_SECONDS,
  isPublished,
  nextStatusChange,
  publicMembers,
  SIGNING_ALGS,
  SigningAlgs,
  type SigningAlg,
  type SigningKeyRecord,
} from './signing-key.js';
import { SigningKeysRepository, type NewSigningKey } from './signing-keys.repository.js';

/** Access tokens (and events) are signed ES256; RS256 signs only id tokens of clients asking for it. */
export const SIGNING_ALG = SigningAlgs.es256;
/** RSA keys below 2048 bits are refused by OIDC relying parties (SECURITY-CHECKLIST MD-3). */
const RSA_MODULUS_LENGTH = 2048;
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

/** The kid of the new key of each algorithm. */
export type RotatedKeys = Record<SigningAlg, string>;

/**
 * The signing keys of this instance: loaded at boot (creating the first one if needed), reloaded
 * periodically, with imported CryptoKeys cached per kid so signing and verifying cost no import.
 */
@Injectable()
export class KeyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyStore.name);
  private keys: SigningKeyRecord[] = [];
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  /**
   * Per algorithm, the material signingMaterial answered, for as long as that answer holds: the
   * same loaded keys, and no key activating, retiring or expiring meanwhile. Every token asks for
   * it, and finding the current key (a filter, a sort, Date comparisons) allocated on each.
   */
  private readonly current = new Map<SigningAlg, { keys: readonly SigningKeyRecord[]; fromMs: number; untilMs: number; material: Promise<SigningMaterial> }>();
  private timer?: NodeJS.Timeout;
  private lastUnknownKidReload = 0;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly settings: SettingsService,
  ) {}

  async onModuleInit(): Promise<void> {
    // One key per algorithm; an installation from before RS256 gets its RSA key at this boot.
    await this.repository.withKeyLock(async (tx) => {
      const stored = await tx.all();
      for (const alg of SIGNING_ALGS) {
        if (!currentSigningKey(stored, new Date(), alg)) await tx.insert(await newKeyPair(alg), 0);
      }
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

  /**
   * Publishes a new key of every algorithm now; each signs after `activationDelaySeconds`, when the
   * current one of its algorithm retires. A retired key stays published while anything it signed
   * may still be valid: the longest access token, and at least an id token's lifetime.
   */
  async rotate(activationDelaySeconds = DEFAULT_ACTIVATION_DELAY_SECONDS): Promise<RotatedKeys> {
    const { accessTokenLifetimeSeconds } = await this.settings.get();
    const keys = await Promise.all(SIGNING_ALGS.map((alg) => newKeyPair(alg)));
    await this.repository.withKeyLock(async (tx) => {
      const longestAccessToken = await tx.longestAccessTokenLifetime(accessTokenLifetimeSeconds);
      const keep = longestAccessToken === null ? null : Math.max(longestAccessToken, ID_TOKEN_LIFETIME_SECONDS);
      for (const key of keys) {
        await tx.retireActive(key.alg, activationDelaySeconds, keep);
        await tx.insert(key, activationDelaySeconds);
      }
    });
    await this.reload();
    return Object.fromEntries(keys.map((key) => [key.alg, key.kid])) as RotatedKeys;
  }

  list(): readonly SigningKeyRecord[] {
    return this.keys;
  }

  publicJwks(now = new Date()): { keys: JWK[] } {
    return { keys: this.keys.filter((key) => isPublished(key, now)).map(publicMembers) };
  }

  signingMaterial(alg: SigningAlg = SIGNING_ALG, now?: Date): Promise<SigningMaterial> {
    const atMs = now?.getTime() ?? Date.now();
    const keys = this.keys;
    const remembered = this.current.get(alg);
    if (remembered !== undefined && remembered.keys === keys && atMs >= remembered.fromMs && atMs < remembered.untilMs) return remembered.material;
    const record = currentSigningKey(keys, new Date(atMs), alg);
    if (!record) return Promise.reject(new Error(`no active ${alg} signing key`));
    const material = this.importOnce(record.kid, record.privateJwk, record.alg).then((key) => ({ kid: record.kid, key }));
    this.current.set(alg, { keys, fromMs: atMs, untilMs: nextStatusChange(keys, atMs), material });
    // A failed import is not remembered: the next call tries again.
    material.catch(() => {
      if (this.current.get(alg)?.material === material) this.current.delete(alg);
    });
    return material;
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
    return this.importOnce(`public:${kid}`, record.publicJwk, record.alg);
  }

  /**
   * A secret every instance derives alike from a signing key (HKDF over its private scalar), for
   * values this server makes and must recognise on any instance without a shared secret of their
   * own (DPoP nonces). The current ES256 key's when `kid` is absent; null for a kid no longer
   * published. Distinct `purpose`s give independent secrets.
   */
  derivedSecret(purpose: string, kid?: string, now = new Date()): { kid: string; secret: Buffer } | null {
    const record = kid === undefined ? currentSigningKey(this.keys, now, SIGNING_ALG) : this.keys.find((key) => key.kid === kid && isPublished(key, now));
    if (!record?.privateJwk.d) return null;
    const cacheKey = `${purpose}:${record.kid}`;
    let secret = this.derived.get(cacheKey);
    if (!secret) {
      secret = Buffer.from(hkdfSync('sha256', Buffer.from(record.privateJwk.d, 'base64url'), record.kid, purpose, 32));
      this.derived.set(cacheKey, secret);
    }
    return { kid: record.kid, secret };
  }

  private readonly derived = new Map<string, Buffer>();

  private importOnce(cacheKey: string, jwk: JWK, alg: string): Promise<CryptoKey> {
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<CryptoKey>;
      this.imported.set(cacheKey, key);
    }
    return key;
  }
}

async function newKeyPair(alg: SigningAlg): Promise<NewSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === SigningAlgs.rs256 ? { modulusLength: RSA_MODULUS_LENGTH } : {}) });
  const publicJwk = await exportJWK(publicKey);
  return { kid: await calculateJwkThumbprint(publicJwk), alg, publicJwk, privateJwk: await exportJWK(privateKey) };
}
