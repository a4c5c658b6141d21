import { GrantTypes, type GrantType } from './grant-types.js';

/** RFC 6749 §2.1 client types: a confidential client can keep a secret, a public one cannot. */
export const ClientTypes = {
  confidential: 'confidential',
  public: 'public',
} as const;
export type ClientType = (typeof ClientTypes)[keyof typeof ClientTypes];

export function isClientType(value: unknown): value is ClientType {
  return value === ClientTypes.confidential || value === ClientTypes.public;
}

/** Grants a client may be registered for, by type (CONTRACT.md, OAuth endpoints). */
export const GRANTS_BY_TYPE: Record<ClientType, readonly GrantType[]> = {
  confidential: [GrantTypes.authorizationCode, GrantTypes.clientCredentials, GrantTypes.password, GrantTypes.tokenExchange, GrantTypes.deviceCode],
  public: [GrantTypes.implicit, GrantTypes.authorizationCode, GrantTypes.deviceCode],
};
