/**
 * DPoP (RFC 9449) proofs, shared by the auth server's token endpoint and the resource guard: the
 * proof check, the key thumbprint a token is bound to (`cnf.jkt`), and where used proof ids are
 * remembered, and the sender constraint where a bound token is presented. Pure logic over jose and
 * node:crypto, answering in the OAuth error vocabulary of #oauth.
 */
export * from './dpop-binding.js';
export * from './dpop-proof.js';
export * from './jwk-thumbprint.js';
export * from './proof-errors.js';
export * from './replay-store.js';
export * from './target-uri.js';
