// The resource server: sync status, its routes, synced clients with their local enabled state (stage 5), and its audit trail.
import { useState } from 'preact/hooks';
import { request } from './api.js';
import { RsAuditSection } from './rs-audit.js';
import { RoutesSection } from './rs-routes.js';
import { EmptyState, ErrorNotice, formatDate, html, Loading, Notice, PageHeading, useConfirm, useLoad } from './ui.js';

export function ResourceServerPage({ url }) {
  const base = url.replace(/\/+$/, '');
  const { data, error, loading, reload } = useLoad(async () => {
    const [sync, clients, routes] = await Promise.all([
      request('GET', `${base}/admin/v1/sync`),
      request('GET', `${base}/admin/v1/clients`),
      request('GET', `${base}/admin/v1/routes`),
    ]);
    return { sync, clients: clients.items, routes: routes.items };
  }, [base]);
  const [message, setMessage] = useState(null);
  const [actionError, setActionError] = useState(null);
  // Bumped by every change made here, so that the audit section reads the trail again.
  const [changes, setChanges] = useState(0);
  const changed = () => {
    setChanges((count) => count + 1);
    reload();
  };
  const { ask, dialog } = useConfirm();

  const setEnabled = async (client, enabled) => {
    setActionError(null);
    setMessage(null);
    try {
      await request('PATCH', `${base}/admin/v1/clients/${encodeURIComponent(client.clientId)}`, { enabled });
      setMessage(`${client.name} (${client.version}) ${enabled ? 'enabled' : 'disabled'} at the resource server.`);
      changed();
    } catch (caught) {
      setActionError(caught);
    }
  };
  const toggle = (client) => {
    if (!client.enabled) return void setEnabled(client, true);
    ask({
      title: `Disable ${client.name} (${client.version}) here?`,
      consequence: 'This resource server refuses every token of the client, including tokens already issued, until you enable it again. Nothing changes at the authorization server: the client still gets tokens there.',
      confirmLabel: 'Disable client',
      action: () => setEnabled(client, false),
    });
  };

  return html`<section>
    <div class="page-head">
      <${PageHeading}>Resource Server<//>
      <button type="button" class="secondary" onClick=${reload}>Refresh</button>
    </div>
    <p class="muted">At <code>${base}</code>. To stop a client after tokens were granted, delete its tokens in Token Management, or disable it here.</p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${actionError} />
    ${error && html`<div class="notice error" role="alert">The resource server could not be reached or refused the request: ${error.message}</div>`}
    ${loading && !data ? html`<${Loading} />` : data && html`
      <h2>Sync status</h2>
      <dl class="facts">
        <dt>Transport</dt><dd>${data.sync.transport ?? '—'}</dd>
        <dt>Connected</dt><dd>${data.sync.connected ? 'Yes' : 'No'}</dd>
        <dt>Last applied event</dt><dd>${data.sync.lastAppliedSeq}</dd>
        <dt>Lag (events)</dt><dd>${data.sync.lag ?? '—'}</dd>
        <dt>Snapshot loaded</dt><dd>${formatDate(data.sync.snapshotLoadedAt)}</dd>
      </dl>
      <${RoutesSection} base=${base} routes=${data.routes} onChanged=${changed} />
      <h2>Synced clients</h2>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Name (Version)</th><th scope="col">Client ID</th><th scope="col">Active at the authorization server</th><th scope="col">Enabled here</th><th scope="col">Scopes</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${data.clients.length === 0 && html`<${EmptyState} columns=${6} title="No client synced yet.">Clients added in <a href="#/clients">Client Registration</a> appear here within a second; if they do not, check the sync status above.<//>`}
          ${data.clients.map((client) => html`<tr key=${client.clientId}>
            <td data-label="Name (Version)">${client.name} (${client.version})</td>
            <td data-label="Client ID"><code>${client.clientId}</code></td>
            <td data-label="Active at the authorization server">${client.active ? 'Yes' : 'No'}</td>
            <td data-label="Enabled here">${client.enabled ? 'Yes' : 'No'}</td>
            <td data-label="Scopes">${client.scopes.join(' ') || '—'}</td>
            <td class="row-actions"><button type="button" class=${client.enabled ? 'danger' : 'secondary'} onClick=${() => toggle(client)}>
              ${client.enabled ? 'Disable' : 'Enable'}<span class="visually-hidden"> ${client.name} (${client.version})</span>
            </button></td>
          </tr>`)}
        </tbody>
      </table></div>
      <${RsAuditSection} base=${base} version=${changes} />`}
    ${dialog}
  </section>`;
}
