import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { LruMemo } from './lru-memo.js';
import { DpopProofRefused } from './proof-errors.js';

/** Asymmetric algorithms only (RFC 9449 §4.3 step 5: never `none`, never a MAC). Advertised as `dpop_signing_alg_values_supported`. */
export const DPOP_SIGNING_ALGS = ['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519'] as const;

/** Private members of a JWK (RFC 7517 §9.1, RFC 7518 §6): a proof whose `jwk` has one is refused. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What a proof's protected header says once it passed the header checks: the algorithm and the key. */
export interface ProofKey {
  alg: string;
  /** The RFC 7638 thumbprint of the header's `jwk`. */
  jkt: string;
  key: KeyObject;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header checks of RFC 9449 §4.3 (typ, alg, a public `jwk`) and the key imported from it,
 * remembered by the header's exact base64url text: a client signs many proofs with one key and
 * sends the same header with each, so a proof of a known header costs no decoding, no thumbprint
 * and no key import (the import alone is as costly as the signature check). Equal text is an equal
 * header, so nothing is skipped for a header that was not checked. Least recently used first out.
 */
export class ProofKeys {
  private readonly known: LruMemo<ProofKey>;
  /** Keys imported so far: what the cache saves, counted (spec). */
  imports = 0;

  constructor(capacity = 10_000) {
    this.known = new LruMemo((encodedHeader) => this.checked(encodedHeader), capacity);
  }

  /** The proof's checked header: `encodedHeader` is its first part, already known to be base64url. */
  of(encodedHeader: string): ProofKey {
    return this.known.of(encodedHeader);
  }

  private checked(encodedHeader: string): ProofKey {
    const header = decodeHeader(encodedHeader);
    if (header.typ !== 'dpop+jwt') throw new DpopProofRefused('the DPoP proof typ must be dpop+jwt');
    const alg = header.alg;
    if (typeof alg !== 'string' || !(DPOP_SIGNING_ALGS as readonly string[]).includes(alg)) throw new DpopProofRefused('the DPoP proof alg is not supported');
    const jwk = header.jwk;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new DpopProofRefused('the DPoP proof header lacks its jwk');
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw new DpopProofRefused('the DPoP proof jwk must be a public key');
    let jkt: string;
    try {
      jkt = jwkThumbprint(jwk as Record<string, unknown>);
    } catch (error) {
      throw new DpopProofRefused(`the DPoP proof jwk is not a usable public key (${(error as Error).message})`);
    }
    let key: KeyObject;
    try {
      this.imports++;
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      throw new DpopProofRefused('the DPoP proof jwk is not a usable public key');
    }
    return { alg, jkt, key };
  }
}

/** The JSON a base64url part of a proof holds (header or claims); throws for anything else. */
export function jsonOfPart(part: string): unknown {
  return JSON.parse(UTF8.decode(Buffer.from(part, 'base64url')));
}

function decodeHeader(encodedHeader: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = jsonOfPart(encodedHeader);
  } catch {
    throw new DpopProofRefused('the DPoP proof header is malformed');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new DpopProofRefused('the DPoP proof header is malformed');
  return header as Record<string, unknown>;
}
