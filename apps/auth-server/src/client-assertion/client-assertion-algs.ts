/** RFC 7523 §2.2: the client_assertion_type of a JWT assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** private_key_jwt: asymmetric signatures only; never `none`, never a MAC (a public key used as an HMAC secret, RFC 8725 §2.1). */
export const PRIVATE_KEY_JWT_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** client_secret_jwt: an HMAC keyed by the client secret. */
export const CLIENT_SECRET_JWT_ALGS = ['HS256', 'HS384', 'HS512'] as const;
