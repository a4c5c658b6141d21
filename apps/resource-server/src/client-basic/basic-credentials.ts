import { basicAuthorizationOf, parseBasicAuthorization } from '#oauth';

export { isBasicAuthorization } from '#oauth';

/** A client id and secret presented with HTTP Basic: the client's account at the gateway (user name = client id). */
export interface BasicCredentials {
  clientId: string;
  secret: string;
}

/** The client's credentials as the auth server reads them (RFC 6749 §2.3.1), or undefined when malformed. */
export function parseBasicCredentials(header: string | string[] | undefined): BasicCredentials | undefined {
  const credentials = parseBasicAuthorization(header, { formEncoded: true });
  return credentials ? { clientId: credentials.username, secret: credentials.password } : undefined;
}

/** The same credentials, for the check at the auth server. */
export function clientBasicAuthorization({ clientId, secret }: BasicCredentials): string {
  return basicAuthorizationOf(clientId, secret);
}
