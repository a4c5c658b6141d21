import { OAuthError } from './oauth-error.js';

/** OpenID Connect Core 1.0 §3.1.2.6: prompt=none, and the user must sign in. */
export class LoginRequired extends OAuthError {
  constructor(description = 'the user must sign in', detail?: string) {
    super('login_required', 400, description, detail);
  }
}

/** OpenID Connect Core 1.0 §3.1.2.6: prompt=none, and the user has not consented to this request. */
export class ConsentRequired extends OAuthError {
  constructor(description = 'the user must consent to this request', detail?: string) {
    super('consent_required', 400, description, detail);
  }
}

/** OpenID Connect Core 1.0 §3.1.2.6: prompt=none, and a page would be needed for another reason. */
export class InteractionRequired extends OAuthError {
  constructor(description = 'the request needs the user to interact', detail?: string) {
    super('interaction_required', 400, description, detail);
  }
}

/** OpenID Connect Core 1.0 §3.1.2.6: the `request` parameter (a request object, RFC 9101) is not supported here. */
export class RequestNotSupported extends OAuthError {
  constructor(description = 'request objects are not supported: push the parameters to the PAR endpoint instead', detail?: string) {
    super('request_not_supported', 400, description, detail);
  }
}

/** OpenID Connect Core 1.0 §3.1.2.6, RFC 9126 §4: the request_uri is unknown, used, expired or another client's. */
export class InvalidRequestUri extends OAuthError {
  constructor(description = 'the request_uri is unknown, already used, expired or not this client\'s', detail?: string) {
    super('invalid_request_uri', 400, description, detail);
  }
}
