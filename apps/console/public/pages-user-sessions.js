// A user's browser sessions (single sign-on) and remembered consents: listed, ended, withdrawn.
import { admin } from './api.js';
import { EmptyState, ErrorNotice, formatDate, html, Loading, Notice, PageHeading, useActions, useConfirm, useLoad } from './ui.js';

export function UserSessionsPage({ userId }) {
  const base = `/users/${encodeURIComponent(userId)}`;
  const user = useLoad(() => admin.get(base), [userId]);
  const sessions = useLoad(() => admin.get(`${base}/sessions`), [userId]);
  const consents = useLoad(() => admin.get(`${base}/consents`), [userId]);
  const { message, actionError, act: runAction } = useActions();
  const { ask, dialog } = useConfirm();
  const name = user.data?.username ?? 'this user';

  const act = (work, done, reload) => () => runAction(work, done, reload);
  const endSession = (session) =>
    ask({
      title: 'End this session?',
      consequence: `The browser signed in on ${formatDate(session.authenticatedAt)} must sign in again at its next authorization request.`,
      confirmLabel: 'End session',
      action: act(() => admin.delete(`${base}/sessions/${encodeURIComponent(session.id)}`), 'Session ended.', sessions.reload),
    });
  const revokeConsent = (consent) =>
    ask({
      title: `Withdraw the consent for ${consent.clientId}?`,
      consequence: `The application asks ${name} again next time, and the tokens ${name} gave it are revoked now.`,
      confirmLabel: 'Withdraw consent',
      action: act(() => admin.delete(`${base}/consents/${encodeURIComponent(consent.id)}`), `Consent for ${consent.clientId} withdrawn.`, consents.reload),
    });

  // One placeholder until all three answered: the heading's name and the lists would each move what follows.
  if ([user, sessions, consents].some((load) => !load.data && !load.error)) return html`<${Loading} />`;
  return html`<section>
    <${PageHeading}>Sessions and consents of ${name}<//>
    <p><a href="#/users">Back to Users</a></p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${user.error || sessions.error || consents.error || actionError} />
    <h2>Signed-in browsers</h2>
    ${sessions.loading && !sessions.data ? html`<${Loading} />` : sessions.data && (sessions.data.length === 0 ? html`<${EmptyState} title="No active session.">A session starts when ${name} signs in at the authorization endpoint; ending one here makes that browser sign in again.<//>` : html`<div class="table-wrap"><table aria-label="Sessions">
      <thead><tr><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col">Expires</th><th scope="col">Browser</th><th scope="col">IP</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${sessions.data.map((session) => html`<tr key=${session.id}>
        <td data-label="Signed in">${formatDate(session.authenticatedAt)}</td>
        <td data-label="Last seen">${formatDate(session.lastSeenAt)}</td>
        <td data-label="Expires">${formatDate(session.expiresAt)}</td>
        <td data-label="Browser">${session.userAgent ?? '—'}</td>
        <td data-label="IP">${session.ip ?? '—'}</td>
        <td class="row-actions"><button type="button" class="danger" onClick=${() => endSession(session)}>End session</button></td>
      </tr>`)}</tbody>
    </table></div>`)}
    <h2>Consents</h2>
    ${consents.loading && !consents.data ? html`<${Loading} />` : consents.data && (consents.data.length === 0 ? html`<${EmptyState} title="No consent given.">A consent is remembered when ${name} allows an application on the consent page; withdrawing it here revokes the tokens it gave.<//>` : html`<div class="table-wrap"><table aria-label="Consents">
      <thead><tr><th scope="col">Client</th><th scope="col">Scopes</th><th scope="col">Granted</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${consents.data.map((consent) => html`<tr key=${consent.id}>
        <td data-label="Client"><code>${consent.clientId}</code></td>
        <td data-label="Scopes">${consent.scopes.join(' ')}</td>
        <td data-label="Granted">${formatDate(consent.grantedAt)}</td>
        <td class="row-actions"><button type="button" class="danger" onClick=${() => revokeConsent(consent)}>Withdraw<span class="visually-hidden"> consent for ${consent.clientId}</span></button></td>
      </tr>`)}</tbody>
    </table></div>`)}
    ${dialog}
  </section>`;
}
