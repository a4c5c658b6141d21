import { escapeHtml, layout } from './html.js';

export interface LoginPageModel {
  clientLabel: string;
  csrfToken: string;
  username?: string;
  /** Shown above the form, e.g. the generic failure message. */
  error?: string;
}

export function renderLoginPage(model: LoginPageModel): string {
  const alert = model.error ? `<p class="alert" role="alert">${escapeHtml(model.error)}</p>\n` : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(model.clientLabel)}</strong></p>
${alert}<form method="post" action="/oauth/authorize/login">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(model.username ?? '')}" autocomplete="username" required${model.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${model.username ? ' autofocus' : ''}>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}
