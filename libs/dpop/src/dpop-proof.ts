import { KeyDoesNotFitAlg, verifiesSignatureOnPool } from '#oauth';
import { accessTokenHash } from './jwk-thumbprint.js';
import { DpopNonceRequired, DpopProofRefused } from './proof-errors.js';
import { LruMemo } from './lru-memo.js';
import { jsonOfPart, ProofKeys, type ProofKey } from './proof-keys.js';
import { normalizedTargetUri } from './target-uri.js';

export { DPOP_SIGNING_ALGS } from './proof-keys.js';

/** How old a proof may be (seconds, CONTRACT: `iat` within 60 s), and how far in the future a clock may be. */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
const CLOCK_SKEW_SECONDS = 5;

/** Longest accepted `jti`: it is stored in the replay store. */
const MAX_JTI_LENGTH = 256;

/** Proofs are small (a header with a public key and a few claims); an RSA-4096 key fits in 2 KB. */
const MAX_PROOF_LENGTH = 8192;

export interface DpopProofExpectations {
  /** The request's method (`htm`). */
  method: string;
  /**
   * The request's URI as the client called it (`htu`: query and fragment are ignored); several when
   * the server is known by more than one (its issuer's URL and the Host it was reached at).
   */
  uri: string | readonly string[];
  /** At a resource server: the access token sent beside the proof (`ath`). */
  accessToken?: string;
  /** Whether the server's current nonce is required, and which nonces are current. */
  nonce?: { isCurrent(nonce: string): boolean };
  nowSeconds?: number;
}

export interface VerifiedDpopProof {
  /** The RFC 7638 thumbprint of the proof's key: what `cnf.jkt` binds a token to. */
  jkt: string;
  jti: string;
  iat: number;
  /** Until when the proof could be accepted: how long its `jti` must be remembered. */
  acceptableUntil: number;
}

/** Proof headers checked before, with their imported keys: shared by every caller in this process. */
const proofKeys = new ProofKeys();
/** URIs parsed before (the server's own and the `htu`s clients send: a few per route). */
const targetUriOf = new LruMemo(normalizedTargetUri, 1_000);
/** `ath` of the access tokens presented lately (a client sends one token with many proofs). */
const athOf = new LruMemo(accessTokenHash, 1_000);

/**
 * Checks a DPoP proof as RFC 9449 §4.3 lists it, except the `jti` replay check (steps 11–12),
 * which needs a ReplayStore and is the caller's (`replayKey`), and the binding to a token's
 * `cnf.jkt`, which the caller compares with the returned `jkt`.
 */
export async function verifyDpopProof(header: string | string[] | undefined, expected: DpopProofExpectations): Promise<VerifiedDpopProof> {
  const proof = singleProof(header);
  const firstDot = proof.indexOf('.');
  const proofKey = proofKeys.of(proof.slice(0, firstDot));
  const payload = await verifiedPayload(proof, firstDot, proofKey);
  const now = expected.nowSeconds ?? Math.floor(Date.now() / 1000);
  return { jkt: proofKey.jkt, ...checkClaims(payload, expected, now) };
}

/** The replay-store key of a proof: its `jti` per key (RFC 9449 §11.1: two keys may pick the same `jti`). */
export function replayKey(proof: VerifiedDpopProof): string {
  return `dpop:${proof.jkt}:${proof.jti}`;
}

function singleProof(header: string | string[] | undefined): string {
  if (header === undefined) throw new DpopProofRefused('the DPoP proof is missing');
  if (Array.isArray(header)) throw new DpopProofRefused('send exactly one DPoP proof');
  if (header.length > MAX_PROOF_LENGTH) throw new DpopProofRefused('the DPoP proof is too large');
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(header)) throw new DpopProofRefused('the DPoP proof is not a signed JWT');
  return header;
}

async function verifiedPayload(proof: string, firstDot: number, { alg, key }: ProofKey): Promise<Record<string, unknown>> {
  const secondDot = proof.lastIndexOf('.');
  let valid: boolean;
  try {
    // On the thread pool: every proof is a new signature, and its check would otherwise hold the event loop.
    valid = await verifiesSignatureOnPool(alg, key, proof.slice(0, secondDot), Buffer.from(proof.slice(secondDot + 1), 'base64url'));
  } catch (error) {
    if (error instanceof KeyDoesNotFitAlg) throw new DpopProofRefused('the DPoP proof key does not fit its alg');
    throw new DpopProofRefused('the DPoP proof signature is invalid');
  }
  if (!valid) throw new DpopProofRefused('the DPoP proof signature is invalid');
  let payload: unknown;
  try {
    payload = jsonOfPart(proof.slice(firstDot + 1, secondDot));
  } catch {
    throw new DpopProofRefused('the DPoP proof claims are not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new DpopProofRefused('the DPoP proof claims are not a JSON object');
  return payload as Record<string, unknown>;
}

function targetUris(uri: string | readonly string[]): string[] {
  return typeof uri === 'string' ? [targetUriOf.of(uri)] : uri.map((one) => targetUriOf.of(one));
}

function checkClaims(payload: Record<string, unknown>, expected: DpopProofExpectations, now: number): Omit<VerifiedDpopProof, 'jkt'> {
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new DpopProofRefused('the DPoP proof jti is missing or malformed');
  if (htm !== expected.method) throw new DpopProofRefused('the DPoP proof htm does not match the request method');
  if (typeof htu !== 'string' || !targetUris(expected.uri).includes(targetUriOf.of(htu))) throw new DpopProofRefused('the DPoP proof htu does not match the request URI');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new DpopProofRefused('the DPoP proof iat is missing');
  if (iat > now + CLOCK_SKEW_SECONDS || iat < now - DPOP_PROOF_MAX_AGE_SECONDS) throw new DpopProofRefused('the DPoP proof iat is outside the acceptable window');
  if (expected.nonce !== undefined && (typeof payload.nonce !== 'string' || !expected.nonce.isCurrent(payload.nonce))) throw new DpopNonceRequired();
  if (expected.accessToken !== undefined) {
    if (typeof payload.ath !== 'string') throw new DpopProofRefused('the DPoP proof lacks the ath of the access token');
    if (payload.ath !== athOf.of(expected.accessToken)) throw new DpopProofRefused('the DPoP proof ath does not match the access token');
  }
  return { jti, iat, acceptableUntil: Math.floor(iat) + DPOP_PROOF_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS };
}
