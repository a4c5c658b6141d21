/**
 * The OAuth error vocabulary: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1.
 * Every OAuth endpoint (and the resource server's bearer check) throws one of these; the one
 * exception filter (AllExceptionsFilter, libs/errors) is the only place that turns them into responses.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'slow_down'
  // RFC 8628 §3.5 (device authorization grant).
  | 'authorization_pending'
  | 'expired_token'
  // RFC 8707 §2 (resource indicators).
  | 'invalid_target'
  // RFC 9449 §5, §7.1, §8 (DPoP).
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  // OpenID Connect Core 1.0 §3.1.2.6 (authorization errors by redirect).
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  // RFC 9126 §4 (pushed authorization requests), OIDC Core §3.1.2.6.
  | 'invalid_request_uri'
  // RFC 7591 §3.2.2 (dynamic client registration).
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata';

export class OAuthError extends Error {
  /** Extra response headers, e.g. WWW-Authenticate or Retry-After. */
  headers: Record<string, string> = {};

  constructor(
    readonly error: OAuthErrorCode,
    readonly status: number,
    /** Shown to the client: keep it free of internals (and of CR, LF, TAB, '"' and '\'). */
    readonly description: string,
    /** Server-side only, for logs. */
    readonly detail?: string,
  ) {
    super(`${error}: ${description}`);
    this.name = new.target.name;
  }

  withHeader(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description = 'the request is invalid', detail?: string) {
    super('invalid_request', 400, description, detail);
  }
}

export class InvalidClient extends OAuthError {
  /** `usedBasic`: RFC 6749 §5.2 requires a WWW-Authenticate challenge when the client used HTTP Basic. */
  constructor(description = 'client authentication failed', usedBasic = false, detail?: string) {
    super('invalid_client', 401, description, detail);
    if (usedBasic) this.withHeader('WWW-Authenticate', 'Basic realm="portcullis", charset="UTF-8"');
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description = 'grant request is invalid', detail?: string) {
    super('invalid_grant', 400, description, detail);
  }
}

export class UnauthorizedClient extends OAuthError {
  constructor(description = 'the client is not authorized to use this grant or response type', detail?: string) {
    super('unauthorized_client', 400, description, detail);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description = 'unsupported grant_type requested', detail?: string) {
    super('unsupported_grant_type', 400, description, detail);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description = 'unsupported response_type requested', detail?: string) {
    super('unsupported_response_type', 400, description, detail);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description = 'requested scope is not allowed', detail?: string) {
    super('invalid_scope', 400, description, detail);
  }
}

/** RFC 8707 §2: the `resource` is invalid, unknown, or not one this client (or this grant) may use. */
export class InvalidTarget extends OAuthError {
  constructor(description = 'the requested resource is invalid, unknown, or not allowed', detail?: string) {
    super('invalid_target', 400, description, detail);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description = 'the resource owner denied the request', detail?: string) {
    super('access_denied', 400, description, detail);
  }
}

/** RFC 8628 §3.5: the user has not answered the device request yet; the device keeps polling. */
export class AuthorizationPending extends OAuthError {
  constructor(description = 'the user has not yet approved or denied the request', detail?: string) {
    super('authorization_pending', 400, description, detail);
  }
}

/** RFC 8628 §3.5: still pending, and polled faster than the interval; the interval grew by 5 seconds. */
export class SlowDown extends OAuthError {
  constructor(description = 'polling too fast: wait the interval, which grew by 5 seconds', detail?: string) {
    super('slow_down', 400, description, detail);
  }
}

/** RFC 8628 §3.5: the device_code expired before the user answered; start a new device authorization. */
export class ExpiredToken extends OAuthError {
  constructor(description = 'the device_code has expired', detail?: string) {
    super('expired_token', 400, description, detail);
  }
}

export class UnsupportedTokenType extends OAuthError {
  constructor(description = 'the token type cannot be revoked', detail?: string) {
    super('unsupported_token_type', 400, description, detail);
  }
}

export class ServerError extends OAuthError {
  constructor(description = 'the server encountered an unexpected error', detail?: string) {
    super('server_error', 500, description, detail);
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description = 'the server is temporarily unavailable, retry later', detail?: string) {
    super('temporarily_unavailable', 503, description, detail);
    this.withHeader('Retry-After', '1');
  }
}

/** Too many failed attempts (or requests); RFC 6585 429 with the OAuth body shape the client already parses. */
export class TooManyAttempts extends OAuthError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, description = 'too many failed attempts, retry later') {
    super('invalid_request', 429, description);
    this.retryAfterSeconds = retryAfterSeconds;
    this.withHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  }
}

/** RFC 7591 §3.2.2: a redirect URI of a registration request is refused. */
export class InvalidRedirectUri extends OAuthError {
  constructor(description = 'a redirect URI is invalid', detail?: string) {
    super('invalid_redirect_uri', 400, description, detail);
  }
}

/** RFC 7591 §3.2.2: a client metadata field of a registration request is refused. */
export class InvalidClientMetadata extends OAuthError {
  constructor(description = 'the client metadata is invalid', detail?: string) {
    super('invalid_client_metadata', 400, description, detail);
  }
}

/** RFC 6750 §3.1 errors for protected resources. */
export class InvalidToken extends OAuthError {
  constructor(description = 'the access token is invalid', detail?: string) {
    super('invalid_token', 401, description, detail);
    this.withHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${description}"`);
  }
}

export class InsufficientScope extends OAuthError {
  constructor(requiredScopes: string[]) {
    const scope = requiredScopes.join(' ');
    super('insufficient_scope', 403, 'the access token lacks a required scope');
    this.withHeader('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
  }
}

/** RFC 6750 §3.1: a request with no credentials gets a bare challenge and no error code. */
export class MissingBearerToken extends OAuthError {
  constructor() {
    super('invalid_request', 401, 'no bearer token');
    this.withHeader('WWW-Authenticate', 'Bearer');
  }
}
