// OAuth for the console: a public client, authorization code + PKCE (S256), tokens kept in
// sessionStorage only (gone when the tab closes; never in a cookie the server would see).

const TOKENS = 'portcullis.console.tokens';
const PENDING = 'portcullis.console.pending';
const SIGNED_OUT = 'portcullis.console.signedOut';
const SCOPE = 'admin rs.admin';
/** Refresh a little before expiry so that a request never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

let clientId = 'portcullis-console';

/** @param {{clientId: string}} config */
export function configure(config) {
  clientId = config.clientId;
}

function redirectUri() {
  return `${location.origin}/console/callback`;
}

/** @param {Uint8Array} bytes */
function base64url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Starts the authorization code flow; `returnTo` is the hash route to come back to. */
export async function signIn(returnTo = location.hash) {
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(),
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  // After "Sign out", the next sign-in asks for the password again instead of riding the browser session.
  if (sessionStorage.getItem(SIGNED_OUT)) {
    sessionStorage.removeItem(SIGNED_OUT);
    query.set('prompt', 'login');
  }
  location.assign(`/oauth/authorize?${query}`);
}

/**
 * Finishes the flow on /console/callback: checks `state` (CSRF), redeems the code with the
 * verifier, then returns to the page the admin was on. Throws with a readable message.
 */
export async function handleCallback() {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  // Drop the code from the address bar and history whatever happens next.
  history.replaceState(null, '', '/console');
  // admin and rs.admin require access_control: any other account is refused at the sign-in.
  if (params.get('error') === 'invalid_scope') throw new Error('Sign-in failed: this account may not administer Portcullis (it needs the access-control permission).');
  if (params.get('error')) throw new Error(`Sign-in failed: ${params.get('error_description') ?? params.get('error')}`);
  if (!pending || params.get('state') !== pending.state) throw new Error('Sign-in failed: the response does not match the request (state). Please sign in again.');
  const tokens = await tokenRequest({
    grant_type: 'authorization_code',
    code: params.get('code') ?? '',
    redirect_uri: redirectUri(),
    client_id: clientId,
    code_verifier: pending.verifier,
  });
  store(tokens);
  history.replaceState(null, '', `/console${pending.returnTo || '#/clients'}`);
}

/** @param {Record<string, string>} form */
async function tokenRequest(form) {
  const response = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`Sign-in failed: ${body.error_description ?? body.error ?? response.status}`);
  return body;
}

/** @param {{access_token: string, refresh_token?: string, expires_in?: number}} tokens */
function store(tokens) {
  sessionStorage.setItem(
    TOKENS,
    JSON.stringify({
      accessToken: tokens.access_token,
      // A refresh answer without a refresh token means the refresh count is spent.
      refreshToken: tokens.refresh_token,
      expiresAt: tokens.expires_in ? Date.now() + tokens.expires_in * 1000 : null,
    }),
  );
}

function load() {
  return JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
}

export function isSignedIn() {
  return Boolean(load()?.accessToken);
}

/** The current access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken() {
  const tokens = load();
  if (!tokens) return null;
  if (tokens.expiresAt && tokens.expiresAt - EXPIRY_MARGIN_MS < Date.now()) return refresh();
  return tokens.accessToken;
}

let refreshing = null;

/**
 * Spends one refresh; null (signed out) when there is none or it is refused. Single flight:
 * pages load several lists at once, and a refresh token presented twice revokes the whole grant
 * (reuse detection), so concurrent callers share one request.
 */
export function refresh() {
  refreshing ??= refreshOnce().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshOnce() {
  const tokens = load();
  if (!tokens?.refreshToken) {
    sessionStorage.removeItem(TOKENS);
    return null;
  }
  try {
    store(await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: clientId }));
    return load().accessToken;
  } catch {
    sessionStorage.removeItem(TOKENS);
    return null;
  }
}

/** Revokes the refresh token (the whole grant) at the server, then forgets the tokens. */
export async function signOut() {
  const tokens = load();
  sessionStorage.removeItem(TOKENS);
  sessionStorage.setItem(SIGNED_OUT, '1');
  const token = tokens?.refreshToken ?? tokens?.accessToken;
  if (token) {
    await fetch('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: clientId }),
    }).catch(() => undefined);
  }
}
