import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits; only the SHA-256 hash is stored. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Our access tokens are compact JWS (three dot-separated parts); refresh tokens have no dot. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}
