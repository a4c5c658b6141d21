import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { JWK } from 'jose';
import { inTransaction } from '#database';
import type { SigningKeyRecord } from './signing-key.js';

/** Any constant: names the lock that serializes key creation across instances. */
const KEY_LOCK = 724_310_101;

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_jwk: JWK;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  expires_at: Date | null;
}

export interface NewSigningKey {
  kid: string;
  alg: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** Operations run under the key lock (see withKeyLock). */
export interface KeysTransaction {
  all(): Promise<SigningKeyRecord[]>;
  insert(key: NewSigningKey, activationDelaySeconds: number): Promise<void>;
  /** Retires the active keys of one algorithm: each algorithm rotates on its own key line. */
  retireActive(alg: string, activationDelaySeconds: number, keepSeconds: number | null): Promise<void>;
  /** Longest access-token lifetime a token signed now could have; null when some client has "never". */
  longestAccessTokenLifetime(globalSeconds: number): Promise<number | null>;
}

@Injectable()
export class SigningKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async all(): Promise<SigningKeyRecord[]> {
    return (await this.dataSource.query<KeyRow[]>('SELECT * FROM signing_keys ORDER BY created_at')).map(toRecord);
  }

  /** Two instances booting or rotating together take turns (pg_advisory_xact_lock). */
  withKeyLock<T>(work: (tx: KeysTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      return work(keysTransaction(manager));
    });
  }
}

function keysTransaction(manager: EntityManager): KeysTransaction {
  return {
    all: async () => (await manager.query<KeyRow[]>('SELECT * FROM signing_keys ORDER BY created_at')).map(toRecord),
    insert: async (key, delay) => {
      await manager.query(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk, activated_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [key.kid, key.alg, JSON.stringify(key.publicJwk), JSON.stringify(key.privateJwk), delay],
      );
    },
    retireActive: async (alg, delay, keep) => {
      await manager.query(
        `UPDATE signing_keys SET retired_at = now() + make_interval(secs => $1),
           expires_at = CASE WHEN $2::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $1 + $2::integer) END
         WHERE retired_at IS NULL AND activated_at <= now() AND alg = $3`,
        [delay, keep, alg],
      );
    },
    longestAccessTokenLifetime: async (globalSeconds) => {
      const [row] = await manager.query<{ never: boolean; longest: number | null }[]>(
        `SELECT bool_or(access_token_lifetime_mode = 'never') AS never, max(access_token_lifetime_seconds) FILTER (WHERE access_token_lifetime_mode = 'seconds') AS longest FROM clients`,
      );
      if (row?.never) return null;
      return Math.max(globalSeconds, row?.longest ?? 0);
    },
  };
}

function toRecord(row: KeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateJwk: row.private_jwk,
    createdAt: new Date(row.created_at),
    activatedAt: row.activated_at && new Date(row.activated_at),
    retiredAt: row.retired_at && new Date(row.retired_at),
    expiresAt: row.expires_at && new Date(row.expires_at),
  };
}
