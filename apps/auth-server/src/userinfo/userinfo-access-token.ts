import { InvalidBearerRequest, MissingBearerToken, parseAccessTokenAuthorization, type PresentedAccessToken } from '#oauth';

/** The parts of a userinfo request that may carry the token. */
export interface UserinfoRequestParts {
  method: string;
  authorization: string | string[] | undefined;
  contentType: string | undefined;
  query: unknown;
  body: unknown;
}

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * The access token of a userinfo request (OpenID Connect Core 1.0 §5.3.1, RFC 6750 §2): in the
 * Authorization header (GET or POST) or as `access_token` in a POST form body. Never in the query
 * (it would end up in logs and Referer headers), and never two ways at once (RFC 6750 §2). A
 * DPoP-bound token comes in the header with the DPoP scheme (RFC 9449 §7.1).
 */
export function userinfoAccessToken(request: UserinfoRequestParts): PresentedAccessToken {
  if (hasParam(request.query, 'access_token'))
    throw new InvalidBearerRequest('send the access token in the Authorization header or a POST form body, not in the query');
  const fromBody = request.method === 'POST' ? bodyToken(request) : undefined;
  if (request.authorization === undefined) {
    if (fromBody === undefined) throw new MissingBearerToken();
    return { scheme: 'Bearer', token: fromBody };
  }
  if (fromBody !== undefined) throw new InvalidBearerRequest('send the access token one way only: the Authorization header or the form body');
  return parseAccessTokenAuthorization(request.authorization);
}

function bodyToken({ contentType, body }: UserinfoRequestParts): string | undefined {
  if (body === undefined || body === null || (typeof body === 'string' && body === '')) return undefined;
  if (!FORM_TYPE.test(contentType ?? '')) throw new InvalidBearerRequest('a userinfo request body must be application/x-www-form-urlencoded');
  const value = (body as Record<string, unknown>).access_token;
  if (Array.isArray(value)) throw new InvalidBearerRequest('the parameter access_token is repeated');
  if (value === undefined || value === '') return undefined;
  return value as string;
}

function hasParam(source: unknown, name: string): boolean {
  return typeof source === 'object' && source !== null && Object.prototype.hasOwnProperty.call(source, name);
}
