// The admin APIs: /admin/v1 here and the resource server's /admin/v1, with the bearer token.
import { accessToken, audienceOf, refresh, signIn } from './auth.js';

const FORBIDDEN = 'Not allowed: this needs an account with the access-control permission (and, at the resource server, a token with the scope rs.admin).';

/** An RFC 9457 problem as an Error: `fieldErrors` go beside the inputs they name. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{title?: string, detail?: string, errors?: {field: string, message: string}[]}} problem
   */
  constructor(status, problem) {
    super(status === 403 ? FORBIDDEN : problem.detail || problem.title || `Request failed (${status})`);
    this.status = status;
    this.title = problem.title ?? '';
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

/**
 * The message for one field: an error naming it, or one of its parts ("redirectUris[1]",
 * "accessTokenLifetime.seconds"), so that every error lands beside some input.
 * @param {unknown} error
 * @param {string} field
 */
export function fieldError(error, field) {
  if (!(error instanceof ApiError)) return undefined;
  const match = error.fieldErrors.filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
  return match.length ? match.map((e) => e.message).join('; ') : undefined;
}

/**
 * @param {string} method
 * @param {string} url  a path under this origin, or an absolute URL (resource server)
 * @param {unknown} [body]
 */
export async function request(method, url, body) {
  const audience = audienceOf(url);
  let token = await accessToken(audience);
  if (!token) return redirectToSignIn();
  let response = await send(method, url, body, token);
  if (response.status === 401) {
    // Expired or revoked early: one refresh (unless another request already got a new token),
    // then the login page.
    const current = await accessToken(audience);
    token = current && current !== token ? current : await refresh(audience);
    if (!token) return redirectToSignIn();
    response = await send(method, url, body, token);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (!response.ok) throw new ApiError(response.status, json && typeof json === 'object' ? json : { title: text });
  return json;
}

/** @param {string} method @param {string} url @param {unknown} body @param {string} token */
function send(method, url, body, token) {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text };
  }
}

function redirectToSignIn() {
  void signIn();
  return new Promise(() => undefined);
}

export const admin = {
  get: (path) => request('GET', `/admin/v1${path}`),
  post: (path, body = {}) => request('POST', `/admin/v1${path}`, body),
  patch: (path, body) => request('PATCH', `/admin/v1${path}`, body),
  put: (path) => request('PUT', `/admin/v1${path}`),
  delete: (path) => request('DELETE', `/admin/v1${path}`),
};

/** @param {Record<string, string | undefined | null>} params */
export function query(params) {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  return entries.length ? `?${new URLSearchParams(/** @type {[string, string][]} */ (entries))}` : '';
}
