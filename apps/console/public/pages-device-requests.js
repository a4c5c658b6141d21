// Device Requests: device authorization requests (RFC 8628) waiting for their user, never their codes.
import { admin } from './api.js';
import { EmptyState, ErrorNotice, formatDate, html, Loading, PageHeading, useLoad } from './ui.js';

export function DeviceRequestsPage() {
  const { data, error, loading, reload } = useLoad(() => admin.get('/device-requests'), []);
  const clients = useLoad(() => admin.get('/clients?limit=100'), []);
  const clientName = new Map((clients.data?.items ?? []).map((c) => [c.clientId, `${c.name} (${c.version})`]));
  // The rows wait for the client names too: a name replacing an id would change the rows' height.
  const waiting = (loading && !data) || (clients.loading && !clients.data);
  return html`<section>
    <div class="page-head">
      <${PageHeading}>Device Requests<//>
      <button type="button" class="secondary" onClick=${reload}>Refresh</button>
    </div>
    <p>Devices (TVs, command-line tools) waiting for a user to enter their code at <code>/device</code>. A request leaves this list once answered or expired.</p>
    <${ErrorNotice} error=${error} />
    ${waiting ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr>
        <th scope="col">Client</th><th scope="col">Scopes</th><th scope="col">Requested</th><th scope="col">Expires</th>
        <th scope="col">Device IP</th><th scope="col">Device software</th>
      </tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${6} title="No pending device requests.">A request appears when a device calls /oauth/device_authorization, and stays until its user enters the code at /device or it expires. Refresh to look again.<//>`}
        ${data.items.map((request) => html`<tr key=${request.id}>
          <td data-label="Client">${clientName.get(request.clientId) ?? html`<code>${request.clientId}</code>`}</td>
          <td data-label="Scopes">${request.scopes.join(' ') || '—'}</td>
          <td data-label="Requested">${formatDate(request.createdAt)}</td>
          <td data-label="Expires">${formatDate(request.expiresAt)}</td>
          <td data-label="Device IP">${request.ip ?? '—'}</td>
          <td data-label="Device software">${request.userAgent ?? '—'}</td>
        </tr>`)}
      </tbody>
    </table></div>`}
  </section>`;
}
