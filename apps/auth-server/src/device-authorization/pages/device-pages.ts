import { escapeHtml, layout } from '../../authorize/pages/html.js';

export interface UserCodePageModel {
  csrfToken: string;
  /** Pre-filled from verification_uri_complete, or what was typed. */
  userCode?: string;
  error?: string;
}

/** Step 1 (RFC 8628 §3.3): the user types the code their device shows. */
export function renderUserCodePage(model: UserCodePageModel): string {
  return layout(
    'Connect a device',
    `<h1>Connect a device</h1>
<p>Enter the code shown on your device.</p>
${alert(model.error)}<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${escapeHtml(model.csrfToken)}">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" value="${escapeHtml(model.userCode ?? '')}" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" required autofocus>
<div class="actions"><button type="submit">Continue</button></div>
</form>`,
  );
}

export interface DeviceLoginPageModel {
  handle: string;
  clientLabel: string;
  username?: string;
  error?: string;
}

/** Step 2 when the browser has no session: sign in (the code's request rides along as its page handle). */
export function renderDeviceLoginPage(model: DeviceLoginPageModel): string {
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to connect <strong>${escapeHtml(model.clientLabel)}</strong></p>
${alert(model.error)}<form method="post" action="/device/login">
<input type="hidden" name="handle" value="${escapeHtml(model.handle)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(model.username ?? '')}" autocomplete="username" required${model.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${model.username ? ' autofocus' : ''}>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}

export interface DeviceConfirmPageModel {
  handle: string;
  clientLabel: string;
  username: string;
  scopes: string[];
  deviceIp: string | null;
  deviceUserAgent: string | null;
  requestedAt: Date;
}

/**
 * Step 3: what the device will get, and which device it is (RFC 8628 §5.4: the user must be able
 * to tell their own device from a phisher's, who sent them a code of another's).
 */
export function renderDeviceConfirmPage(model: DeviceConfirmPageModel): string {
  const scopes = model.scopes.length > 0
    ? `<p>It asks for:</p>\n<ul>${model.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
    : '<p>It asks for no particular permission.</p>';
  return layout(
    'Connect a device',
    `<h1>Connect ${escapeHtml(model.clientLabel)}?</h1>
<p>Signed in as <strong>${escapeHtml(model.username)}</strong>. A device wants to access your account as <strong>${escapeHtml(model.clientLabel)}</strong>.</p>
${scopes}
<p>The request came from IP address <strong class="device-ip">${escapeHtml(model.deviceIp ?? 'unknown')}</strong>, software <code class="device-user-agent">${escapeHtml(model.deviceUserAgent ?? 'unknown')}</code>, at ${escapeHtml(model.requestedAt.toISOString())}. Approve only if this is your device and you started this.</p>
<form method="post" action="/device/decision">
<input type="hidden" name="handle" value="${escapeHtml(model.handle)}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" autofocus>Approve</button>
</div>
</form>`,
  );
}

/** Step 4: the device learns the answer at its next poll. */
export function renderDeviceDonePage(approved: boolean): string {
  return approved
    ? layout('Device connected', '<h1>Device connected</h1>\n<p>You may return to your device.</p>')
    : layout('Request denied', '<h1>Request denied</h1>\n<p>The device gets no access. You may close this page.</p>');
}

function alert(error: string | undefined): string {
  return error ? `<p class="alert" role="alert">${escapeHtml(error)}</p>\n` : '';
}
