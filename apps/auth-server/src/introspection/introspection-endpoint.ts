import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientAuthentication } from '../token/client-authentication.js';
import { requireParam } from '../token/token-form.js';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service.js';
import { JWT_INTROSPECTION_MEDIA_TYPE, JwtIntrospectionResponse, wantsJwtIntrospection } from './jwt-introspection-response.js';
import { TokenScanThrottle } from './token-scan-throttle.js';

/**
 * POST /oauth/introspect (RFC 7662), behind its route: the caller authenticated as a confidential
 * client, the `token` answered as IntrospectionService judges it, as JSON, or with `Accept:
 * application/token-introspection+jwt` as a signed JWT (RFC 9701). token_type_hint is ignored: the
 * token's shape tells which kind it is. A client that keeps asking about tokens never issued here
 * is refused for a while (TokenScanThrottle, IN-7).
 */
@Injectable()
export class IntrospectionEndpoint {
  constructor(
    private readonly clientAuthentication: ClientAuthentication,
    private readonly introspection: IntrospectionService,
    private readonly jwtResponse: JwtIntrospectionResponse,
    private readonly scans: TokenScanThrottle,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<IntrospectionResponse | string> {
    const { client: caller, form } = await this.clientAuthentication.authenticateForm(request, { allowPublic: false });
    const token = requireParam(form, 'token');
    this.scans.beforeLookup(caller, token);
    const { answer, issuedHere } = await this.introspection.introspect(caller, token);
    if (!issuedHere) this.scans.unknownToken(caller, token, request);
    if (!wantsJwtIntrospection(request.headers.accept)) return answer;
    void reply.header('Content-Type', JWT_INTROSPECTION_MEDIA_TYPE);
    return this.jwtResponse.sign(answer, caller.clientId);
  }
}
