/**
 * The algorithms a client may choose for its id tokens: the two this server has keys for. RS256 is
 * the default, as OpenID Connect expects of a client that registered no preference (OIDC Dynamic
 * Client Registration §2); access tokens stay ES256 whatever the client chose.
 */
export const ID_TOKEN_SIGNING_ALGS = ['RS256', 'ES256'] as const;
export type IdTokenSigningAlg = (typeof ID_TOKEN_SIGNING_ALGS)[number];
export const DEFAULT_ID_TOKEN_SIGNING_ALG: IdTokenSigningAlg = 'RS256';
