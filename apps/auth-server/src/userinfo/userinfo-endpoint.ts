import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ProofContext } from '#dpop';
import { AUTH_SERVER_CONFIG, type AuthServerConfig } from '../config/auth-server.config.js';
import { endpointUris } from '../dpop/endpoint-uris.js';
import { userinfoAccessToken } from './userinfo-access-token.js';
import { UserinfoService, type UserinfoResponse } from './userinfo.service.js';

/**
 * GET and POST /oauth/userinfo (OpenID Connect Core 1.0 §5.3), behind their routes: the access
 * token from the one place it was sent (userinfoAccessToken), its DPoP proof checked against the
 * URL as the client called it, and the claims of the granted scopes about the token's user.
 */
@Injectable()
export class UserinfoEndpoint {
  constructor(
    private readonly userinfo: UserinfoService,
    @Inject(AUTH_SERVER_CONFIG) private readonly config: AuthServerConfig,
  ) {}

  handle(request: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.claimsFor(userinfoAccessToken(partsOf(request)), this.proofContext(request));
  }

  private proofContext(request: FastifyRequest): ProofContext {
    return { method: request.method, uri: endpointUris(this.config.issuer, request), proof: request.headers.dpop };
  }
}

function partsOf(request: FastifyRequest) {
  return {
    method: request.method,
    authorization: request.headers.authorization,
    contentType: request.headers['content-type'],
    query: request.query,
    body: request.body,
  };
}
