import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { InMemoryOAuthClient } from './oauth-client.js';

/**
 * An MCP client connected to `serverUrl`, through the SDK's own OAuth when the server answers 401:
 * the SDK discovers the authorization server (RFC 9728, then RFC 8414), registers unless `oauth`
 * has a client already, and sends the user agent to the authorization URL (PKCE, `resource`);
 * `authorize` is that user agent's part, answering the code the redirect brought back. The SDK
 * then exchanges the code and the client connects again with the token.
 */
export async function connectWithOAuth(serverUrl: URL, oauth: InMemoryOAuthClient, authorize: (authorizationUrl: URL) => Promise<string>, fetch?: FetchLike): Promise<Client> {
  const first = new StreamableHTTPClientTransport(serverUrl, { authProvider: oauth, fetch });
  try {
    return await connected(first);
  } catch (error) {
    if (!(error instanceof UnauthorizedError) || oauth.authorizationUrl === undefined) throw error;
  }
  await first.finishAuth(await authorize(oauth.authorizationUrl));
  // A transport starts once: the authorized connection is a new one (the token is in `oauth`).
  return connected(new StreamableHTTPClientTransport(serverUrl, { authProvider: oauth, fetch }));
}

async function connected(transport: StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: 'portcullis-mcp-agent', version: '1.0.0' });
  await client.connect(transport);
  return client;
}
