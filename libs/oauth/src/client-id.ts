/**
 * The client_id grammar: generated ids are base64url, provisioned ones (RESOURCE_CLIENT_ID) are
 * URL-safe (RFC 3986 unreserved characters), 1 to 128 of them. Anything else cannot exist.
 */
export const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** Checked before a lookup so that hostile input (NUL bytes, huge strings) never reaches SQL. */
export function isClientId(clientId: string): boolean {
  return CLIENT_ID.test(clientId);
}

/**
 * A client_id that names a client ID metadata document (draft-ietf-oauth-client-id-metadata-document):
 * an http(s) URL of visible ASCII, at most 1024 characters. Only the grammar: whether such a client
 * may be used is the auth server's document resolution.
 */
export const DOCUMENT_CLIENT_ID = /^https?:\/\/[\x21-\x7e]{1,1016}$/;

export function isDocumentClientId(clientId: string): boolean {
  return DOCUMENT_CLIENT_ID.test(clientId);
}
