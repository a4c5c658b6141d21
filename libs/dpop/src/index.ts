/**
 * DPoP (RFC 9449) proofs, shared by the auth server's token endpoint and the resource guard: the
 * proof check, the key thumbprint a token is bound to (`cnf.jkt`), and where used proof ids are
 * remembered. Pure logic over jose and node:crypto; it imports no other lib.
 */
export * from './dpop-proof.js';
export * from './jwk-thumbprint.js';
export * from './proof-errors.js';
export * from './replay-store.js';
export * from './target-uri.js';
