import { escapeHtml, layout } from '../authorize/pages/html.js';

/** The RP's request, carried through the confirmation form unchanged and checked again on the post. */
export interface LogoutTarget {
  clientId: string | null;
  postLogoutRedirectUri: string | null;
  state: string | null;
}

export function renderLogoutConfirmationPage(model: { username: string; csrfToken: string; target: LogoutTarget }): string {
  const hidden = Object.entries({ csrf_token: model.csrfToken, client_id: model.target.clientId, post_logout_redirect_uri: model.target.postLogoutRedirectUri, state: model.target.state })
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n');
  return layout(
    'Sign out',
    `<h1>Sign out?</h1>
<p>You are signed in as <strong>${escapeHtml(model.username)}</strong>. Do you want to sign out?</p>
<form method="post" action="/oauth/logout/confirm">
${hidden}
<div class="actions"><button type="submit" autofocus>Sign out</button></div>
</form>`,
  );
}

export function renderSignedOutPage(): string {
  return layout('Signed out', '<h1>Signed out</h1>\n<p role="status">You are signed out. You can close this window.</p>');
}
