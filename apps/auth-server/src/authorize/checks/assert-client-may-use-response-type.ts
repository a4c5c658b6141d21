import { GrantTypes, UnauthorizedClient } from '#oauth';
import type { Client } from '../../clients/client.js';
import type { ResponseType } from '../authorize-request.js';

/** RFC 6749 §4.1.2.1 / §4.2.2.1: the client must be registered for the flow it asks for. */
export function assertClientMayUseResponseType(client: Client, responseType: ResponseType): void {
  // The id_token response types are OpenID Connect's implicit flow: the implicit registration.
  const grant = responseType === 'code' ? GrantTypes.authorizationCode : GrantTypes.implicit;
  if (!client.grants.includes(grant)) throw new UnauthorizedClient(`the client is not registered for the ${grant} grant`);
}
