import { escapeHtml, layout } from './html.js';

export interface ConsentPageModel {
  clientLabel: string;
  username: string;
  scopes: string[];
  csrfToken: string;
}

export function renderConsentPage(model: ConsentPageModel): string {
  const scopes = model.scopes.length > 0
    ? `<p>It asks for:</p>\n<ul>${model.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
    : '<p>It asks for no particular permission.</p>';
  return layout(
    'Authorize access',
    `<h1>Authorize ${escapeHtml(model.clientLabel)}?</h1>
<p>Signed in as <strong>${escapeHtml(model.username)}</strong>. <strong>${escapeHtml(model.clientLabel)}</strong> wants to access your account.</p>
${scopes}
<form method="post" action="/oauth/authorize/consent">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow" autofocus>Allow</button>
</div>
</form>`,
  );
}
