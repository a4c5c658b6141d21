import { generateOpaqueValue, hashOpaqueValue } from '../../common/opaque-value.js';

/** RFC 9126 §2.2: the request_uri is a URN under this prefix, with 256 random bits after it. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** CONTRACT Precisions: a pushed request lives 60 s. */
export const PUSHED_REQUEST_LIFETIME_SECONDS = 60;

export function generateRequestUri(): string {
  return `${REQUEST_URI_PREFIX}${generateOpaqueValue()}`;
}

/** Only the hash of a request_uri is stored, as for authorization codes: a database reader cannot use one. */
export const hashRequestUri = hashOpaqueValue;
