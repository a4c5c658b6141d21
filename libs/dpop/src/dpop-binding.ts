import { InvalidDpopProof, InvalidDpopToken, InvalidToken, type PresentedAccessToken } from '#oauth';
import { DpopProofRefused } from './proof-errors.js';
import { replayKey, verifyDpopProof } from './dpop-proof.js';
import type { ReplayStore } from './replay-store.js';

/** RFC 9449 §6.1 `cnf.jkt`; a `cnf` this server cannot honour (another confirmation method) makes the token unusable. */
export function boundKeyThumbprint(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
  if (typeof jkt !== 'string' || jkt === '') throw new InvalidToken('the access token is bound to a key this server cannot check');
  return jkt;
}

/** The request a DPoP proof must describe: its method, the URI as the client called it, and its DPoP header. */
export interface ProofContext {
  method: string;
  /** One, or each URI the server is known by (as DpopProofExpectations.uri). */
  uri: string | readonly string[];
  proof: string | string[] | undefined;
}

/** What the binding needs to know of a verified access token: the key it is bound to, if any. */
export interface BoundToken {
  jkt?: string;
}

/**
 * The sender constraint of RFC 9449 §7 wherever an access token is presented (a resource server's
 * routes, the auth server's userinfo): a DPoP-bound token is admitted only with the DPoP scheme and
 * a fresh proof for this request, signed by the bound key, carrying the token's hash (`ath`), never
 * seen before; a bound token sent as a bearer token, or an unbound one sent as DPoP, is refused.
 * Bearer tokens without a binding never reach it (`applies`).
 */
export class DpopBinding {
  constructor(private readonly replays: ReplayStore) {}

  /** Whether a request needs the proof check: false for the plain bearer case, the hot path stays synchronous. */
  static applies(token: BoundToken, presented: PresentedAccessToken): boolean {
    return token.jkt !== undefined || presented.scheme === 'DPoP';
  }

  async check(token: BoundToken, presented: PresentedAccessToken, context: ProofContext): Promise<void> {
    if (presented.scheme === 'Bearer') throw new InvalidDpopToken('the access token is DPoP-bound: present it with the DPoP scheme and a proof');
    if (token.jkt === undefined) throw new InvalidDpopToken('the access token is not DPoP-bound: present it as a bearer token');
    let proof;
    try {
      proof = await verifyDpopProof(context.proof, { method: context.method, uri: context.uri, accessToken: presented.token });
    } catch (error) {
      if (error instanceof DpopProofRefused) throw new InvalidDpopProof(error.description, 'resource');
      throw error;
    }
    if (proof.jkt !== token.jkt) throw new InvalidDpopProof('the DPoP proof is not signed by the key the access token is bound to', 'resource');
    if (!(await this.replays.firstUse(replayKey(proof), proof.acceptableUntil))) throw new InvalidDpopProof('the DPoP proof was used before', 'resource');
  }
}
