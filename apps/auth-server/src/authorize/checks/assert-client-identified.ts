import type { Client } from '../../clients/client.js';
import { AuthorizePageError } from '../authorize-errors.js';
import { isRepeated, singleValue, type RawQuery } from './query-params.js';

const UNKNOWN_CLIENT = 'The application that sent you here is unknown or disabled, so it cannot be sent an answer.';

/** RFC 6749 §4.1.2.1: without a known, active client there is no safe place to redirect to. */
export async function assertClientIdentified(query: RawQuery, findClient: (clientId: string) => Promise<Client | null>): Promise<Client> {
  if (isRepeated(query, 'client_id')) throw new AuthorizePageError(400, 'Invalid request', 'The client_id parameter was sent more than once.');
  const clientId = singleValue(query, 'client_id');
  if (!clientId) throw new AuthorizePageError(400, 'Invalid request', 'The client_id parameter is missing.');
  const client = await findClient(clientId);
  if (!client || !client.active) throw new AuthorizePageError(400, 'Unknown application', UNKNOWN_CLIENT);
  return client;
}
