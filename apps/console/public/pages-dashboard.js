// Dashboard, the console's landing page: the last hour per minute (tokens by grant, refusals at the
// authorization server and at the resource server by reason), clients, each resource server's
// sync state and the latest audit events, polled every few seconds (GET /admin/v1/dashboard here,
// GET /admin/v1/activity at the resource server).
import { admin, request } from './api.js';
import { TimeChart } from './charts.js';
import { clientLabel } from './pages-clients.js';
import { usePolling } from './polling.js';
import { ErrorNotice, formatDate, html, Loading, PageHeading } from './ui.js';

export const REFRESH_MS = 5_000;

const STATES = { in_sync: 'In sync', behind: 'Behind', offline: 'Offline' };

const seconds = (value) => (value === null || value === undefined ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} s`);

export function DashboardPage({ resourceServerUrl }) {
  const base = resourceServerUrl.replace(/\/+$/, '');
  const as = usePolling(() => admin.get('/dashboard'), REFRESH_MS, []);
  const rs = usePolling(() => request('GET', `${base}/admin/v1/activity`), REFRESH_MS, [base]);
  const data = as.data;
  return html`<section class="dashboard">
    <div class="page-head">
      <${PageHeading}>Dashboard<//>
      <p class="muted refresh-status">${as.updatedAt ? `Last hour, per minute. Updated ${as.updatedAt.toLocaleTimeString()}; refreshes every ${REFRESH_MS / 1000} s.` : 'Loading…'}</p>
    </div>
    ${as.error && html`<${ErrorNotice} error=${as.error} />`}
    ${!data ? html`<${Loading} />` : html`
      <${KeyFigures} data=${data} rs=${rs.data} />
      <div class="chart-grid">
        <${TimeChart} name="tokens" title="Tokens issued per minute, by grant" minutes=${data.minutes} series=${data.tokensIssued.series}
          empty="No token issued in the last hour. Tokens show here as clients call the token endpoint." />
        <${TimeChart} name="refusals" title="Refusals per minute at the authorization server, by reason" minutes=${data.minutes} series=${data.tokenRefusals.series}
          empty="No token request refused in the last hour." />
        ${rs.data
          ? html`<${TimeChart} name="rs-refusals" title="Refusals per minute at the resource server, by reason" minutes=${rs.data.minutes} series=${rs.data.refusals.series}
              empty="No request refused at the resource server in the last hour." />`
          : html`<figure class="chart" data-chart="rs-refusals"><figcaption><span class="chart-title">Refusals per minute at the resource server</span></figcaption>
              <div class="chart-canvas"><p class=${rs.error ? 'notice error' : 'muted'}>${rs.error ? `The resource server at ${base} could not be reached: ${rs.error.message}` : 'Loading…'}</p></div></figure>`}
      </div>
      <${SyncTable} sync=${data.sync} />
      <${TopClients} clients=${data.clients} />
      <${LatestAudit} events=${data.latestAudit} />
    `}
  </section>`;
}

function KeyFigures({ data, rs }) {
  const servers = data.sync.resourceServers;
  const inSync = servers.filter((server) => server.state === 'in_sync').length;
  return html`<dl class="key-figures">
    <div><dt>Tokens issued</dt><dd data-figure="tokens">${data.tokensIssued.total}</dd></div>
    <div><dt>Refused (authorization server)</dt><dd data-figure="refusals">${data.tokenRefusals.total}</dd></div>
    <div><dt>Refused (resource server)</dt><dd data-figure="rs-refusals">${rs ? rs.refusals.total : '—'}</dd></div>
    <div><dt>Active clients</dt><dd data-figure="clients">${data.clients.active}<span class="muted"> of ${data.clients.registered}; ${data.clients.issuing} got tokens</span></dd></div>
    <div><dt>Resource servers in sync</dt><dd data-figure="sync">${servers.length ? `${inSync} of ${servers.length}` : 'none connected'}</dd></div>
  </dl>`;
}

function SyncTable({ sync }) {
  return html`<h2>Resource servers</h2>
    <p class="muted">Each instance reading the events (${sync.transport === 'redis-streams' ? 'a consumer group of the Redis stream' : 'in process'}). Lag: the age of the oldest change it has not applied.</p>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Instance</th><th scope="col">State</th><th scope="col">Changes not applied</th><th scope="col">Lag</th><th scope="col">Last event delivered</th><th scope="col">Last read</th></tr></thead>
      <tbody>
        ${sync.resourceServers.length === 0 && html`<tr><td colspan="6">No resource server has read the events yet. Start one (npm start runs one) and it shows here.</td></tr>`}
        ${sync.resourceServers.map((server) => html`<tr key=${server.group}>
          <td data-label="Instance"><code>${server.group}</code></td>
          <td data-label="State"><span class=${`state state-${server.state}`}>${STATES[server.state] ?? server.state}</span></td>
          <td data-label="Changes not applied">${server.behindEvents}${server.pendingEvents ? ` (${server.pendingEvents} in delivery)` : ''}</td>
          <td data-label="Lag">${seconds(server.lagSeconds)}</td>
          <td data-label="Last event delivered">${server.lastDeliveredSeq}</td>
          <td data-label="Last read">${server.idleSeconds === null ? '—' : `${seconds(server.idleSeconds)} ago`}</td>
        </tr>`)}
      </tbody>
    </table></div>`;
}

function TopClients({ clients }) {
  return html`<h2>Top clients</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Client</th><th scope="col">Tokens in the last hour</th></tr></thead>
      <tbody>
        ${clients.top.length === 0 && html`<tr><td colspan="2">No client got a token in the last hour.</td></tr>`}
        ${clients.top.map((client) => html`<tr key=${client.clientId}>
          <td data-label="Client"><a href=${`#/clients/${encodeURIComponent(client.clientId)}`}>${client.name ? clientLabel(client) : client.clientId}</a></td>
          <td data-label="Tokens in the last hour">${client.tokens}</td>
        </tr>`)}
      </tbody>
    </table></div>`;
}

function LatestAudit({ events }) {
  return html`<h2>Latest audit events</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Target</th></tr></thead>
      <tbody>
        ${events.length === 0 && html`<tr><td colspan="4">Nothing audited yet.</td></tr>`}
        ${events.map((event) => html`<tr key=${event.id}>
          <td data-label="When">${formatDate(event.occurredAt)}</td>
          <td data-label="Action"><code>${event.action}</code></td>
          <td data-label="Actor">${event.actor ?? event.actorType}</td>
          <td data-label="Target">${event.targetId ? html`${event.targetType} <code>${event.targetId}</code>` : (event.targetType ?? '—')}</td>
        </tr>`)}
      </tbody>
    </table></div>
    <p><a href="#/audit">The full audit trail</a></p>`;
}
