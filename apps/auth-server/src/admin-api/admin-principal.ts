import type { FastifyRequest } from 'fastify';

/** Who is calling the admin API. */
export interface AdminPrincipal {
  userId: string;
  username: string;
  via: 'basic' | 'bearer';
}

/** An admin API request once AdminAuthGuard has let it through. */
export type AdminRequest = FastifyRequest & { adminPrincipal?: AdminPrincipal };

/**
 * Verifies a bearer access token for the admin API: issued by this server, with the scope `admin`,
 * to an active user. Provided by TokensModule (tokens/admin-token-verifier.ts), which AdminAuthModule imports.
 */
export interface AdminTokenVerifier {
  verify(token: string): Promise<{ userId: string; username: string } | null>;
}

export const ADMIN_TOKEN_VERIFIER = Symbol('ADMIN_TOKEN_VERIFIER');
