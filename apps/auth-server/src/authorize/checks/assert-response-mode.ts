import { InvalidRequest } from '#oauth';
import { responseModeOf, type ResponseType } from '../authorize-request.js';

/**
 * Only each response type's default mode is offered, so a token can never be put in a query
 * (OAuth 2.0 Multiple Response Type Encoding Practices §2.1; SECURITY-CHECKLIST IM-2).
 */
export function assertResponseMode(value: string | undefined, responseType: ResponseType): void {
  if (value !== undefined && value !== responseModeOf(responseType)) {
    throw new InvalidRequest(`response_mode must be ${responseModeOf(responseType)} for response_type ${responseType}`);
  }
}
