import type { LaneRequest } from '#operability';

/**
 * The URIs a DPoP proof to one of the auth server's endpoints may name (`htu`): the endpoint under
 * the issuer (what discovery tells clients) and as this request reached it (a client configured
 * with the server's address rather than its issuer).
 */
export function endpointUris(issuer: string, request: LaneRequest): string[] {
  const path = request.url.split('?')[0];
  return [`${issuer}${path}`, `${request.protocol}://${request.host}${path}`];
}
