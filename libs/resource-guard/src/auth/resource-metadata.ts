import type { OAuthError } from '#oauth';

/** RFC 9728 §3.1: the well-known path goes between the resource identifier's host and its path. */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname === '/' ? '' : url.pathname}`;
}

/** RFC 9728 §5.1: a 401's Bearer challenge names where the resource's metadata is, as MCP clients expect. */
export function withResourceMetadata(error: OAuthError, url: string): void {
  const challenge = error.headers['WWW-Authenticate'];
  if (challenge === undefined || challenge.includes('resource_metadata=')) return;
  error.withHeader('WWW-Authenticate', `${challenge}${challenge === 'Bearer' ? ' ' : ', '}resource_metadata="${url}"`);
}
