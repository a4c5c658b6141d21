import { Injectable } from '@nestjs/common';
import { AuditWriter } from '../../audit/audit-writer.js';
import { ClientAuthenticator } from '../../clients/client-authenticator.js';
import { AuthorizePageError } from '../authorize-errors.js';
import { isRepeated, singleValue, type RawQuery } from '../checks/query-params.js';
import { hashRequestUri } from './pushed-request-uri.js';
import { PushedRequestsRepository } from './pushed-requests.repository.js';

/** The parameters the authorization endpoint works on, and whether they were pushed (RFC 9126). */
export interface ResolvedAuthorizeQuery {
  query: RawQuery;
  pushed: boolean;
}

/**
 * RFC 9126 §4 at GET /oauth/authorize: a `request_uri` with the `client_id` it was pushed by is
 * replaced by the pushed parameters (taken out: used once), and only those count. An unknown,
 * used, expired or another client's request_uri is an error page naming invalid_request_uri:
 * without the pushed request there is no verified redirect_uri to send the error to. The
 * `request` parameter (RFC 9101 request objects) is refused the same way (request_not_supported).
 */
@Injectable()
export class PushedRequestResolver {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly repository: PushedRequestsRepository,
    private readonly audit: AuditWriter,
  ) {}

  async resolve(query: RawQuery): Promise<ResolvedAuthorizeQuery> {
    if (query.request !== undefined) {
      throw new AuthorizePageError(400, 'Request objects not supported', 'The request parameter is not supported here (request_not_supported): the application must push its request to the PAR endpoint and send the request_uri.');
    }
    if (query.request_uri === undefined) return { query, pushed: false };
    if (isRepeated(query, 'request_uri') || isRepeated(query, 'client_id')) throw new AuthorizePageError(400, 'Invalid request', 'The request_uri or client_id parameter was sent more than once.');
    const clientId = singleValue(query, 'client_id');
    if (!clientId) throw new AuthorizePageError(400, 'Invalid request', 'The client_id parameter is missing: a request_uri is used with the client_id that pushed it.');
    const client = await this.clients.find(clientId);
    const parameters = client?.active ? await this.repository.consume(hashRequestUri(singleValue(query, 'request_uri') ?? ''), client.id) : null;
    if (!parameters) {
      this.audit.record({ action: 'par.request_uri.refused', targetType: 'client', targetId: clientId.slice(0, 1024), details: { clientId: clientId.slice(0, 1024), reason: 'unknown, used, expired or another client\'s request_uri' } });
      throw new AuthorizePageError(400, 'Invalid request_uri', 'The request_uri is unknown, was already used, has expired, or belongs to another application (invalid_request_uri). Go back to the application and start again.');
    }
    return { query: { ...parameters, client_id: clientId }, pushed: true };
  }
}
