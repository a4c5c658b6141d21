// OAuth for the console: a public client, authorization code + PKCE (S256), tokens kept in
// sessionStorage only (gone when the tab closes; never in a cookie the server would see).
// One access token per audience (RFC 8707): the admin API here accepts only tokens for the issuer,
// the resource server only tokens for itself. The sign-in asks for both resources; the code
// exchange gets the issuer's token, and a refresh naming the other resource gets the other one.

const TOKENS = 'portcullis.console.tokens';
const PENDING = 'portcullis.console.pending';
const SIGNED_OUT = 'portcullis.console.signedOut';
const SCOPE = 'admin rs.admin';
/** Refresh a little before expiry so that a request never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 30_000;

let clientId = 'portcullis-console';
let adminAudience = location.origin;
let resourceServerAudience = '';

/** @param {{clientId: string, issuer?: string, resourceServerUrl?: string}} config */
export function configure(config) {
  clientId = config.clientId;
  adminAudience = config.issuer || location.origin;
  resourceServerAudience = config.resourceServerUrl || '';
}

/**
 * The audience a request needs: this server's admin API for a path, the resource server for its URL.
 * @param {string} url
 */
export function audienceOf(url) {
  return resourceServerAudience && url.startsWith(resourceServerAudience) ? resourceServerAudience : adminAudience;
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
  for (const resource of new Set([adminAudience, resourceServerAudience].filter(Boolean))) query.append('resource', resource);
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
    resource: adminAudience,
  });
  store(adminAudience, tokens);
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

/**
 * Keeps the audience's new access token beside the others, and the grant's newest refresh token.
 * @param {string} audience
 * @param {{access_token: string, refresh_token?: string, expires_in?: number}} tokens
 */
function store(audience, tokens) {
  const stored = load() ?? { byAudience: {} };
  stored.byAudience[audience] = { accessToken: tokens.access_token, expiresAt: tokens.expires_in ? Date.now() + tokens.expires_in * 1000 : null };
  // A refresh answer without a refresh token means the refresh count is spent.
  stored.refreshToken = tokens.refresh_token;
  sessionStorage.setItem(TOKENS, JSON.stringify(stored));
}

/** @returns {{refreshToken?: string, byAudience: Record<string, {accessToken: string, expiresAt: number | null}>} | null} */
function load() {
  const stored = JSON.parse(sessionStorage.getItem(TOKENS) ?? 'null');
  return stored && typeof stored.byAudience === 'object' ? stored : null;
}

export function isSignedIn() {
  return Boolean(load()?.byAudience[adminAudience]?.accessToken);
}

/**
 * The current access token for the audience, got or refreshed first when missing or about to
 * expire; null when signed out.
 * @param {string} [audience]
 */
export async function accessToken(audience = adminAudience) {
  const tokens = load();
  if (!tokens) return null;
  const token = tokens.byAudience[audience];
  if (!token || (token.expiresAt && token.expiresAt - EXPIRY_MARGIN_MS < Date.now())) return refresh(audience);
  return token.accessToken;
}

let refreshing = null;

/** In-flight refreshes by audience; `refreshChain` runs them one after the other. */
const refreshingByAudience = new Map();
let refreshChain = Promise.resolve();

/**
 * Spends one refresh for the audience; null (signed out) when there is none or it is refused.
 * Single flight per audience, and one refresh at a time: pages load several lists at once, each
 * refresh rotates the refresh token, and a refresh token presented twice revokes the whole grant
 * (reuse detection).
 * @param {string} [audience]
 */
export function refresh(audience = adminAudience) {
  let pending = refreshingByAudience.get(audience);
  if (!pending) {
    pending = refreshChain.then(() => refreshOnce(audience)).finally(() => refreshingByAudience.delete(audience));
    refreshChain = pending.catch(() => undefined);
    refreshingByAudience.set(audience, pending);
  }
  return pending;
}

/** @param {string} audience */
async function refreshOnce(audience) {
  const tokens = load();
  if (!tokens?.refreshToken) {
    sessionStorage.removeItem(TOKENS);
    return null;
  }
  try {
    store(audience, await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: clientId, resource: audience }));
    return load()?.byAudience[audience]?.accessToken ?? null;
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
  const token = tokens?.refreshToken ?? tokens?.byAudience[adminAudience]?.accessToken;
  if (token) {
    await fetch('/oauth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: clientId }),
    }).catch(() => undefined);
  }
}
