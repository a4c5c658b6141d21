import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CurrentAccess, RequireScopes, type AuthenticatedAccess } from '@portcullis/nest-resource-guard';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createMcpServer, MCP_SCOPE } from './mcp-server.js';

/** The guard's verified access as the MCP SDK hands it to tools (`extra.authInfo`). */
function authInfoOf(access: AuthenticatedAccess, authorization: string | undefined): AuthInfo {
  return {
    // The guard admitted "Bearer <token>": the token is what follows the scheme.
    token: authorization?.slice(authorization.indexOf(' ') + 1) ?? '',
    clientId: access.clientId,
    scopes: access.effectiveScopes,
    expiresAt: access.expiresAt,
    extra: { subject: access.sub },
  };
}

/**
 * The MCP endpoint, Streamable HTTP in stateless mode (a server and a transport per request, as
 * the SDK's stateless example does). @RequireScopes: without a token the guard answers 401 with
 * `WWW-Authenticate: Bearer resource_metadata="…"`, which is where an MCP client's OAuth starts.
 */
@RequireScopes(MCP_SCOPE)
@Controller('mcp')
export class McpController {
  @Post()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @CurrentAccess() access: AuthenticatedAccess): Promise<void> {
    const server = createMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The transport writes the Node response itself: Fastify must leave it alone.
    reply.hijack();
    reply.raw.on('close', () => void server.close());
    await server.connect(transport);
    const withAuth = Object.assign(request.raw, { auth: authInfoOf(access, request.headers.authorization) });
    await transport.handleRequest(withAuth, reply.raw, request.body);
  }

  /** Stateless: no stream for server-initiated messages. */
  @Get()
  get(@Res() reply: FastifyReply): void {
    methodNotAllowed(reply);
  }

  /** Stateless: no session to end. */
  @Delete()
  delete(@Res() reply: FastifyReply): void {
    methodNotAllowed(reply);
  }
}

function methodNotAllowed(reply: FastifyReply): void {
  void reply
    .code(405)
    .header('allow', 'POST')
    .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless (POST only)' }, id: null });
}
