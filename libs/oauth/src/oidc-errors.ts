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
