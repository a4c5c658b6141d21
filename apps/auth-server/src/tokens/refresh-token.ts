/** Refresh tokens are opaque values: 256 random bits, only their SHA-256 stored. */
export { generateOpaqueValue as generateRefreshToken, hashOpaqueValue as hashToken } from '../common/opaque-value.js';

/** Our access tokens are compact JWS (three dot-separated parts); refresh tokens have no dot. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}
