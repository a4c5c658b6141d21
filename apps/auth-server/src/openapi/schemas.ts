import { TOKEN_ENDPOINT_AUTH_METHODS, ClientTypes, GrantTypes, TokenTypeIdentifiers } from '#oauth';
import type { ReferenceObject, SchemaObject } from '#operability';
import { ALL_PERMISSIONS } from '../common/permissions.js';

/**
 * OpenAPI shapes of the auth server's answers (CONTRACT.md). Request bodies are described from
 * the DTOs' validation rules; answers are plain interfaces, so their shapes are written here.
 */
const string: SchemaObject = { type: 'string' };
const dateTime: SchemaObject = { type: 'string', format: 'date-time' };
const strings: SchemaObject = { type: 'array', items: string };

function object(properties: Record<string, SchemaObject | ReferenceObject>, optional: string[] = []): SchemaObject {
  return { type: 'object', properties, required: Object.keys(properties).filter((name) => !optional.includes(name)) };
}

export const CLIENT_VIEW = object(
  {
    clientId: string,
    clientSecret: { type: 'string', description: 'only in the create and regenerate answers, confidential clients only' },
    name: string,
    version: string,
    description: string,
    type: { type: 'string', enum: Object.values(ClientTypes) },
    redirectUris: strings,
    grants: strings,
    accessTokenLifetime: { $ref: '#/components/schemas/AccessTokenLifetimeDto' },
    refreshCount: { $ref: '#/components/schemas/RefreshCountDto' },
    active: { type: 'boolean' },
    introspection: { type: 'boolean', description: 'may introspect tokens of every client (RFC 7662); otherwise only its own' },
    idTokenSignedResponseAlg: { type: 'string', enum: ['RS256', 'ES256'], description: 'how its OpenID Connect id tokens are signed (default RS256)' },
    postLogoutRedirectUris: { ...strings, description: 'where RP-initiated logout may redirect (exact match)' },
    registration: { type: 'string', enum: ['admin', 'dynamic'], description: 'dynamic: registered at /oauth/register (RFC 7591)' },
    allowedResources: { type: ['array', 'null'], items: string, description: 'RFC 8707 resource identifiers it may ask tokens for; null: every resource' },
    tokenExchangeAudiences: { ...strings, description: 'RFC 8693: resource identifiers it may exchange tokens into (default none: an exchanged token keeps the subject token\'s audience)' },
    tokenExchangeImpersonation: { type: 'boolean', description: 'RFC 8693: may exchange without an actor_token (the token carries no act claim); default false' },
    tokenEndpointAuthMethod: {
      type: 'string',
      enum: [...TOKEN_ENDPOINT_AUTH_METHODS],
      description: 'how it authenticates (RFC 7591): client_secret_basic by default (client_secret_post accepted too), the JWT methods of RFC 7523, none for public clients',
    },
    jwks: { type: ['object', 'null'], description: 'private_key_jwt: its public keys (a JWK Set, no private members)' },
    jwksUri: { type: ['string', 'null'], description: 'private_key_jwt: where its JWK Set is fetched (https, or http on a loopback host)' },
    requirePushedAuthorizationRequests: { type: 'boolean', description: 'RFC 9126: /oauth/authorize accepts only a request_uri from /oauth/par' },
    scopes: strings,
    endpoints: object({ authorization: string, token: string, refreshToken: string }),
    createdAt: dateTime,
    updatedAt: dateTime,
  },
  ['clientSecret'],
);

export const CLIENT_SECRET = object({ clientSecret: string });

export const SCOPE_VIEW = object({
  name: string,
  description: string,
  requiredPermission: {
    type: ['string', 'null'],
    enum: [...ALL_PERMISSIONS, null],
    description: 'issued to a user only while the user holds this permission; null: to anyone',
  },
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const RESOURCE_VIEW = object({
  id: { type: 'string', format: 'uuid', description: 'used in the resource\'s URL' },
  identifier: { type: 'string', description: 'absolute URI without a fragment (RFC 8707): the `resource` parameter and the tokens\' `aud`' },
  name: string,
  scopes: { ...strings, description: 'scopes it owns: its tokens carry only these (and scopes that no resource owns)' },
  accessTokenLifetimeSeconds: { type: ['integer', 'null'], description: 'overrides the global lifetime for its tokens (a client\'s own lifetime wins); null: the global one' },
  clientId: { type: ['string', 'null'], description: 'the client that represents the resource' },
  createdAt: dateTime,
  updatedAt: dateTime,
});

/** The standard claims as written (ProfileBody), plus updated_at, which the server keeps. */
const USER_PROFILE: SchemaObject = {
  allOf: [
    { $ref: '#/components/schemas/ProfileBody' },
    object({ updated_at: { type: 'integer', description: 'seconds since the epoch of the last profile change' } }, ['updated_at']),
  ],
};

export const USER_VIEW = object({
  id: string,
  username: string,
  permissions: strings,
  active: { type: 'boolean' },
  profile: USER_PROFILE,
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const USER_SESSION_VIEW = object({
  id: string,
  userId: string,
  createdAt: dateTime,
  authenticatedAt: { type: 'string', format: 'date-time', description: 'when the user last typed their password in this browser (auth_time)' },
  lastSeenAt: dateTime,
  expiresAt: dateTime,
  userAgent: { type: ['string', 'null'] },
  ip: { type: ['string', 'null'] },
});

export const USER_CONSENT_VIEW = object({ id: string, clientId: string, scopes: strings, grantedAt: dateTime });

export const SETTINGS_VIEW = object({
  accessTokenLifetimeSeconds: { type: 'integer' },
  authorizationCodeLifetimeSeconds: { type: 'integer' },
  deviceCodeLifetimeSeconds: { type: 'integer', description: 'how long a device authorization request (RFC 8628) waits for the user; default 600' },
  sessionLifetimeSeconds: { type: 'integer', description: 'how long a browser session (single sign-on) lasts after its login' },
  accessTokenAudience: string,
  auditRetentionDays: { type: 'integer', description: 'days an audit event is kept (1 to 3650, default 90); older ones are removed by the retention job' },
  dpopNonceRequired: { type: 'boolean', description: 'whether DPoP proofs at the token endpoint must carry the server nonce (RFC 9449 §8; default false)' },
  requirePushedAuthorizationRequests: { type: 'boolean', description: 'RFC 9126: /oauth/authorize accepts only a request_uri from /oauth/par, for every client (default false)' },
  clientIdMetadataDocuments: { type: 'boolean', description: 'whether an https URL may be a client_id, resolved through its client ID metadata document (default false)' },
  clientIdMetadataDocumentHosts: { ...strings, description: 'origin patterns ("http://127.0.0.1:*") whose metadata documents may be fetched over http or from private or loopback addresses (default empty)' },
  dynamicRegistration: { type: 'string', enum: ['off', 'initial-access-token', 'open'], description: 'who may register clients at /oauth/register (default off)' },
  registrationPolicy: object({
    grantTypes: { type: 'array', items: { type: 'string', enum: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'] } },
    maxScopes: { type: 'integer' },
    registrationsPerIpPerHour: { type: 'integer' },
    deleteUnusedAfterDays: { type: 'integer', description: '0: never' },
  }),
});

/** RFC 7591 §2 client metadata, as sent to /oauth/register (unknown members are ignored). */
export const CLIENT_METADATA: SchemaObject = {
  type: 'object',
  properties: {
    redirect_uris: strings,
    token_endpoint_auth_method: { type: 'string', enum: [...TOKEN_ENDPOINT_AUTH_METHODS] },
    grant_types: strings,
    response_types: strings,
    client_name: string,
    client_uri: string,
    logo_uri: string,
    scope: { type: 'string', description: 'space-separated scope names' },
    contacts: strings,
    tos_uri: string,
    policy_uri: string,
    jwks_uri: string,
    jwks: { type: 'object' },
    software_id: string,
    software_version: string,
    id_token_signed_response_alg: { type: 'string', enum: ['RS256', 'ES256'] },
    post_logout_redirect_uris: strings,
  },
};

/** RFC 7591 §3.2.1 / RFC 7592 §3 client information response. */
export const CLIENT_INFORMATION: SchemaObject = {
  type: 'object',
  required: ['client_id', 'registration_client_uri', 'token_endpoint_auth_method', 'grant_types', 'redirect_uris'],
  properties: {
    client_id: string,
    client_secret: { type: 'string', description: 'confidential clients, in the registration answer (and a PUT that made the client confidential) only' },
    client_secret_expires_at: { type: 'integer' },
    client_id_issued_at: { type: 'integer' },
    registration_access_token: { type: 'string', description: 'in the POST and PUT answers only; rotates on every PUT' },
    registration_client_uri: string,
    ...(CLIENT_METADATA.properties as Record<string, SchemaObject>),
  },
};

export const INITIAL_ACCESS_TOKEN = object({ id: string, token: string, expiresAt: dateTime, maxUses: { type: 'integer' } });

export const GRANT_VIEW = object({
  id: string,
  clientId: string,
  username: { type: ['string', 'null'] },
  grant: string,
  scopes: strings,
  issuedAt: dateTime,
  expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'null: the token never expires ("Lifetime")' },
  refresh: { oneOf: [{ type: 'null' }, object({ remaining: { oneOf: [{ type: 'integer' }, { type: 'string', enum: ['unlimited'] }] } })] },
});

export const SIGNING_KEY_VIEW = object({
  kid: string,
  alg: { type: 'string', enum: ['ES256', 'RS256'] },
  createdAt: dateTime,
  activatedAt: { type: ['string', 'null'], format: 'date-time' },
  retiredAt: { type: ['string', 'null'], format: 'date-time' },
  status: string,
});

export const JWKS = object({
  keys: { type: 'array', items: { type: 'object', required: ['kty', 'kid'], properties: { kty: string, kid: string, use: string, alg: string } } },
});

/** RFC 6749 §5.1. */
export const TOKEN_RESPONSE = object(
  {
    access_token: string,
    token_type: { type: 'string', enum: ['Bearer'] },
    expires_in: { type: 'integer' },
    refresh_token: string,
    scope: string,
    id_token: { type: 'string', description: 'OpenID Connect: with the openid scope (code exchange and refresh)' },
    issued_token_type: { type: 'string', enum: [TokenTypeIdentifiers.accessToken], description: 'RFC 8693: token exchange only' },
  },
  ['expires_in', 'refresh_token', 'scope', 'id_token', 'issued_token_type'],
);

/** The token endpoint's form (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6); client_id/client_secret for client_secret_post. */
/** RFC 7523 §2.2: private_key_jwt and client_secret_jwt, in place of a secret. */
const CLIENT_ASSERTION_FIELDS = {
  client_assertion_type: { type: 'string', enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'] },
  client_assertion: { type: 'string', description: 'a JWT signed with the client\'s private key (private_key_jwt) or its secret (client_secret_jwt)' },
} satisfies Record<string, SchemaObject>;

export const TOKEN_REQUEST = object(
  {
    grant_type: { type: 'string', enum: [GrantTypes.authorizationCode, GrantTypes.clientCredentials, GrantTypes.password, GrantTypes.refreshToken, GrantTypes.tokenExchange, GrantTypes.deviceCode] },
    device_code: { type: 'string', description: 'RFC 8628: the device_code from /oauth/device_authorization' },
    code: string,
    redirect_uri: string,
    code_verifier: string,
    username: string,
    password: string,
    refresh_token: string,
    scope: string,
    subject_token: { type: 'string', description: 'RFC 8693: an active access token of this server' },
    subject_token_type: { type: 'string', enum: [TokenTypeIdentifiers.accessToken] },
    actor_token: { type: 'string', description: 'RFC 8693 delegation: an active access token of this server; the result carries act' },
    actor_token_type: { type: 'string', enum: [TokenTypeIdentifiers.accessToken] },
    requested_token_type: { type: 'string', enum: [TokenTypeIdentifiers.accessToken] },
    audience: { type: 'string', description: 'RFC 8693: a resource identifier, as resource' },
    resource: { type: 'string', description: 'RFC 8707 resource identifier' },
    client_id: string,
    client_secret: string,
    ...CLIENT_ASSERTION_FIELDS,
  },
  ['device_code', 'code', 'redirect_uri', 'code_verifier', 'username', 'password', 'refresh_token', 'scope', 'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'client_id', 'client_secret', 'client_assertion_type', 'client_assertion'],
);

/** RFC 8628 §3.1: the device's request; the client authenticates as at the token endpoint. */
export const DEVICE_AUTHORIZATION_REQUEST = object(
  { scope: string, resource: { type: 'string', description: 'RFC 8707; may repeat' }, client_id: string, client_secret: string },
  ['scope', 'resource', 'client_id', 'client_secret'],
);

/** RFC 8628 §3.2. */
export const DEVICE_AUTHORIZATION_RESPONSE = object({
  device_code: string,
  user_code: { type: 'string', description: '8 letters of BCDFGHJKLMNPQRSTVWXZ, shown XXXX-XXXX' },
  verification_uri: string,
  verification_uri_complete: string,
  expires_in: { type: 'integer', description: 'the deviceCodeLifetimeSeconds setting' },
  interval: { type: 'integer', description: 'seconds between polls: 5' },
});

/** GET /admin/v1/device-requests: a pending device request, never its codes. */
export const DEVICE_REQUEST_VIEW = object({
  id: string,
  clientId: string,
  scopes: strings,
  resources: strings,
  createdAt: dateTime,
  expiresAt: dateTime,
  ip: { type: ['string', 'null'] },
  userAgent: { type: ['string', 'null'] },
});

/** RFC 7662 §2.1 and RFC 7009 §2.1: the token, and the caller's credentials when not sent with HTTP Basic. */
export const TOKEN_PARAM_REQUEST = object({ token: string, token_type_hint: string, client_id: string, client_secret: string, ...CLIENT_ASSERTION_FIELDS }, [
  'token_type_hint',
  'client_id',
  'client_secret',
  'client_assertion_type',
  'client_assertion',
]);

/** RFC 9126 §2.1: the authorization request's parameters, and the client's authentication (any method). */
export const PAR_REQUEST = object(
  {
    response_type: string,
    client_id: string,
    redirect_uri: string,
    scope: string,
    state: string,
    code_challenge: string,
    code_challenge_method: string,
    nonce: string,
    resource: string,
    dpop_jkt: string,
    client_secret: string,
    client_assertion_type: string,
    client_assertion: string,
  },
  ['client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'resource', 'dpop_jkt', 'client_secret', 'client_assertion_type', 'client_assertion'],
);

/** RFC 9126 §2.2. */
export const PAR_RESPONSE = object({ request_uri: { type: 'string', description: 'urn:ietf:params:oauth:request_uri:…, for one use at /oauth/authorize with the client_id' }, expires_in: { type: 'integer', description: '60' } });

/** RFC 7662 §2.2: inactive tokens answer `{"active": false}` only. */
export const INTROSPECTION_RESPONSE = object(
  {
    active: { type: 'boolean' },
    scope: string,
    client_id: string,
    username: string,
    token_type: string,
    exp: { type: 'integer' },
    iat: { type: 'integer' },
    sub: string,
    aud: string,
    iss: string,
    jti: string,
  },
  ['scope', 'client_id', 'username', 'token_type', 'exp', 'iat', 'sub', 'aud', 'iss', 'jti'],
);

/** OpenID Connect Core 1.0 §5.3.1: a POST may carry the token in its form body instead of the header. */
export const USERINFO_REQUEST = object({ access_token: { type: 'string', description: 'only without an Authorization header' } }, ['access_token']);

/** OpenID Connect Core 1.0 §5.3.2: `sub` and the granted scopes' claims that have a value. */
export const USERINFO_RESPONSE: SchemaObject = {
  allOf: [{ $ref: '#/components/schemas/ProfileBody' }, object({ sub: string, updated_at: { type: 'integer' } }, ['updated_at'])],
};

/** RFC 8414 §2 and OpenID Connect Discovery 1.0 §3 (the members this server publishes; one document for both). */
export const SERVER_METADATA: SchemaObject = {
  type: 'object',
  required: ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'],
  properties: {
    issuer: string,
    authorization_endpoint: string,
    token_endpoint: string,
    introspection_endpoint: string,
    revocation_endpoint: string,
    userinfo_endpoint: string,
    jwks_uri: string,
    scopes_supported: strings,
    response_types_supported: strings,
    grant_types_supported: strings,
    token_endpoint_auth_methods_supported: strings,
    code_challenge_methods_supported: strings,
    subject_types_supported: strings,
    id_token_signing_alg_values_supported: strings,
    claims_supported: strings,
    claims_parameter_supported: { type: 'boolean' },
    request_parameter_supported: { type: 'boolean' },
    request_uri_parameter_supported: { type: 'boolean' },
  },
  additionalProperties: true,
};

export const HTML_PAGE: SchemaObject = { type: 'string', description: 'an HTML page' };

export const AUDIT_EVENT_VIEW = object({
  id: string,
  occurredAt: dateTime,
  actor: { type: ['string', 'null'] },
  actorType: string,
  action: string,
  targetType: { type: ['string', 'null'] },
  targetId: { type: ['string', 'null'] },
  details: { type: 'object', additionalProperties: true },
  ip: { type: ['string', 'null'] },
  requestId: { type: ['string', 'null'] },
});
