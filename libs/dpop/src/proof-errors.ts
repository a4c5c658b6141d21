/**
 * Why a DPoP proof was refused (RFC 9449 §4.3). Not an OAuth error yet: the token endpoint answers
 * 400 `invalid_dpop_proof`, a resource server 401 with a `DPoP` challenge (§7.1), so each caller
 * turns it into its own error.
 */
export class DpopProofRefused extends Error {
  constructor(readonly description: string) {
    super(description);
    this.name = 'DpopProofRefused';
  }
}

/** The proof carries no nonce, or a stale one, while the server requires one (RFC 9449 §8, §9). */
export class DpopNonceRequired extends DpopProofRefused {
  constructor(description = 'the DPoP proof must carry the server nonce') {
    super(description);
    this.name = 'DpopNonceRequired';
  }
}
