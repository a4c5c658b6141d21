import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** The scope a token needs to reach the MCP endpoint (the auth server's client must hold it). */
export const MCP_SCOPE = 'mcp.tools';

/**
 * The MCP server and its two tools. The token checks are done before a request reaches it (the
 * guard); a tool sees the caller as `extra.authInfo`, which the controller fills in from the
 * guard's verified access.
 */
export function createMcpServer(): McpServer {
  const server = new McpServer({ name: 'portcullis-mcp-example', version: '1.0.0' });

  server.registerTool(
    'whoami',
    {
      description: 'Who the access token speaks for: its subject, client and scopes',
      outputSchema: { subject: z.string(), clientId: z.string(), scopes: z.array(z.string()) },
    },
    (extra) => {
      const caller = { subject: String(extra.authInfo?.extra?.subject), clientId: String(extra.authInfo?.clientId), scopes: extra.authInfo?.scopes ?? [] };
      return { content: [{ type: 'text', text: JSON.stringify(caller) }], structuredContent: caller };
    },
  );

  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }),
  );

  return server;
}
