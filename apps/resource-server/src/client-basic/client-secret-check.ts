import { Inject, Injectable } from '@nestjs/common';
import { TemporarilyUnavailable, TooManyAttempts } from '#oauth';
import { requestIdHeaders } from '#observability';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from '../config/resource-server.config.js';
import { clientBasicAuthorization, type BasicCredentials } from './basic-credentials.js';

/** What the auth server said of a client id and secret. */
export type SecretVerdict = 'right' | 'wrong';

/** No token of the auth server looks like this (not a JWT, not a refresh token): the answer is always {"active": false}. */
const PROBE_TOKEN = 'client-basic-check';
const TIMEOUT_MS = 5000;

/**
 * Asks the auth server whether a client id and secret are right, with no side effect: an RFC 7662
 * introspection of a token that cannot exist, authenticated with the presented credentials
 * (client_secret_basic). Any confidential client may call introspection and learns nothing from
 * it; the auth server authenticates the caller before it looks at the token, so 200 means the
 * credentials are right (whatever the token answer), 401 that they are wrong, unknown, of an
 * inactive client or of a public one. Its own throttle (429) is passed on with its Retry-After;
 * anything else, or no answer, is 503: the gateway fails closed.
 */
@Injectable()
export class ClientSecretCheck {
  constructor(@Inject(RESOURCE_SERVER_CONFIG) private readonly config: ResourceServerConfig) {}

  async check(credentials: BasicCredentials): Promise<SecretVerdict> {
    let response: Response;
    try {
      response = await fetch(`${this.config.authServerUrl}/oauth/introspect`, {
        method: 'POST',
        headers: { authorization: clientBasicAuthorization(credentials), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...requestIdHeaders() },
        body: new URLSearchParams({ token: PROBE_TOKEN }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new TemporarilyUnavailable('the authorization server cannot be reached', (error as Error).message);
    }
    // The body is not needed: drain it so that the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status === 200) return 'right';
    if (response.status === 401) return 'wrong';
    if (response.status === 429) throw new TooManyAttempts(Number(response.headers.get('retry-after')) || 60);
    throw new TemporarilyUnavailable('the client credentials cannot be checked now', `introspection answered HTTP ${response.status}`);
  }
}
