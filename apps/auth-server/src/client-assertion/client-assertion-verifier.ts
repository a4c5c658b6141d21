import { Inject, Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import type { ReplayStore } from '#dpop';
import type { Client } from '../clients/client.js';
import { REPLAY_STORE } from '../replay/replay-store.provider.js';
import { AssertionRefused } from './assertion-refused.js';
import { CLIENT_SECRET_JWT_ALGS, PRIVATE_KEY_JWT_ALGS } from './client-assertion-algs.js';
import { ClientKeys } from './client-keys.js';
import { asymmetricSignatureValid, hmacSignatureValid, parseCompactJws, type ParsedJws, type UnverifiedClaims } from './compact-jws.js';
import { candidateKeys } from './imported-keys.js';

/** CONTRACT "More grants": `exp` within 5 min. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clocks of client and server may differ by this much (exp, nbf, iat). */
const CLOCK_SKEW_SECONDS = 5;
/** Assertions are small; this bounds the work done before the signature check. */
const MAX_ASSERTION_LENGTH = 8192;
/** The jti is a key of the replay store. */
const MAX_JTI_LENGTH = 256;

export interface AssertionExpectations {
  /** The audiences accepted: the issuer and the URLs of the endpoints the assertion may be for. */
  audiences: string[];
  /** client_secret_jwt: the secrets the HMAC may be keyed with (current, then previous during an overlap). */
  secrets?: () => Promise<string[]>;
  nowSeconds?: number;
}

/**
 * Checks a client assertion (RFC 7523 §3) for a client already looked up by its `sub`:
 * the signature by the method's keys and algorithms (private_key_jwt: the client's public keys,
 * asymmetric algorithms only; client_secret_jwt: HS256/384/512 with its secret), then `iss` = `sub`
 * = the client id, `aud` one of the expected, `exp` present and at most 5 minutes ahead, `nbf` and
 * `iat` not in the future, and a `jti` seen for the first time (the shared replay store, key
 * `assertion:<client_id>:<jti>`, until `exp`). Throws AssertionRefused with the reason.
 * The signature is checked with node:crypto on keys imported once (ClientKeys): the token
 * endpoint's hot path pays one native verification (issue 17: at least 60% of the secret's rps).
 */
@Injectable()
export class ClientAssertionVerifier {
  constructor(
    private readonly keys: ClientKeys,
    @Inject(REPLAY_STORE) private readonly replay: ReplayStore,
  ) {}

  /** `decoded`: the claims the caller read to find the client (unverifiedClaims), not decoded again. */
  async verify(client: Client, assertion: string, expected: AssertionExpectations, decoded?: UnverifiedClaims | null): Promise<void> {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw new AssertionRefused('the client assertion is too long');
    const jws = parseCompactJws(assertion, decoded);
    await this.checkSignature(client, jws, expected);
    const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
    const { exp, jti } = checkClaims(jws.payload, client.clientId, expected.audiences, now);
    if (!(await this.replay.firstUse(`assertion:${client.clientId}:${jti}`, exp + CLOCK_SKEW_SECONDS))) throw new AssertionRefused('the client assertion was used before (jti replayed)');
  }

  private async checkSignature(client: Client, { header, signingInput, signature }: ParsedJws, expected: AssertionExpectations): Promise<void> {
    const alg = header.alg;
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
      if (typeof alg !== 'string' || !(PRIVATE_KEY_JWT_ALGS as readonly string[]).includes(alg)) throw new AssertionRefused('the client assertion alg is not allowed for private_key_jwt (asymmetric algorithms only)');
      const source = await this.keys.keysOf(client);
      let candidates = candidateKeys(source.keys, alg, header.kid);
      // An unknown kid: the client may have rotated its keys since the set was fetched.
      if (candidates.length === 0) candidates = candidateKeys((await source.again()) ?? [], alg, header.kid);
      if (candidates.length === 0) throw new AssertionRefused('no registered key of the client matches the client assertion (kid, key type and alg)');
      if (!(await anyKeySigned(candidates, alg, signingInput, signature))) throw new AssertionRefused('the client assertion signature is invalid');
      return;
    }
    if (client.tokenEndpointAuthMethod === 'client_secret_jwt') {
      if (typeof alg !== 'string' || !(CLIENT_SECRET_JWT_ALGS as readonly string[]).includes(alg)) throw new AssertionRefused('the client assertion alg is not allowed for client_secret_jwt (HS256, HS384, HS512)');
      const secrets = (await expected.secrets?.()) ?? [];
      if (secrets.length === 0) throw new AssertionRefused('the client secret is not available for client_secret_jwt on this server');
      if (!secrets.some((secret) => hmacSignatureValid(alg, secret, signingInput, signature))) throw new AssertionRefused('the client assertion signature is invalid');
      return;
    }
    throw new AssertionRefused(`the client authenticates with ${client.tokenEndpointAuthMethod}, not a client assertion`);
  }
}

/** RFC 7523 §3 claims, checked after the signature. */
function checkClaims(payload: Record<string, unknown>, clientId: string, audiences: readonly string[], now: number): { exp: number; jti: string } {
  const { iss, sub, aud, exp, nbf, iat, jti } = payload;
  if (iss !== clientId) throw new AssertionRefused('the client assertion\'s iss claim must be the client id');
  if (sub !== clientId) throw new AssertionRefused('the client assertion\'s sub claim must be the client id');
  const audienceList = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audienceList.some((value) => typeof value === 'string' && audiences.includes(value))) throw new AssertionRefused('the client assertion\'s aud claim names neither the issuer nor this endpoint');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new AssertionRefused('the client assertion has no numeric exp claim');
  if (exp <= now - CLOCK_SKEW_SECONDS) throw new AssertionRefused('the client assertion has expired');
  if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) throw new AssertionRefused(`the client assertion expires more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ahead`);
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + CLOCK_SKEW_SECONDS)) throw new AssertionRefused('the client assertion\'s nbf claim is not yet reached');
  if (iat !== undefined && (typeof iat !== 'number' || iat > now + CLOCK_SKEW_SECONDS)) throw new AssertionRefused('the client assertion was issued in the future (iat)');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new AssertionRefused('the client assertion needs a jti of 1 to 256 characters');
  return { exp, jti };
}

/** One candidate after the other (nearly always one): the first that verifies ends the search. */
async function anyKeySigned(candidates: readonly { key: KeyObject }[], alg: string, input: Buffer, signature: Buffer): Promise<boolean> {
  for (const candidate of candidates) if (await asymmetricSignatureValid(alg, candidate.key, input, signature)) return true;
  return false;
}
