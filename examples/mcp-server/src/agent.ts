import { connectWithOAuth } from './connect.js';
import { codeFromCallback } from './loopback-callback.js';
import { InMemoryOAuthClient } from './oauth-client.js';

/**
 * A command-line MCP client: node build/agent.js [server URL]. MCP_CLIENT_ID names a client
 * registered beforehand (public, redirect URI http://127.0.0.1/callback); without it the SDK
 * registers one (dynamic registration must be on at the auth server).
 */
async function main(): Promise<void> {
  const serverUrl = new URL(process.argv[2] ?? 'http://localhost:3003/mcp');
  const redirectUrl = `http://127.0.0.1:${process.env.CALLBACK_PORT ?? 8090}/callback`;
  const clientId = process.env.MCP_CLIENT_ID;
  const oauth = new InMemoryOAuthClient(
    redirectUrl,
    { client_name: 'Portcullis MCP agent', redirect_uris: [redirectUrl], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' },
    clientId ? { client_id: clientId } : undefined,
  );
  const client = await connectWithOAuth(serverUrl, oauth, (authorizationUrl) => {
    console.log(`Open this URL in a browser, sign in and allow:\n  ${authorizationUrl.href}`);
    return codeFromCallback(redirectUrl);
  });
  console.log('whoami:', (await client.callTool({ name: 'whoami' })).structuredContent);
  console.log('add 2 40:', (await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } })).structuredContent);
  await client.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
