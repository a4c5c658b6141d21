// A client's tokens per minute over the last hour, as a sparkline on its Edit Client page
// (GET /admin/v1/clients/{clientId}/activity, polled like the dashboard).
import { admin } from './api.js';
import { Sparkline } from './charts.js';
import { usePolling } from './polling.js';
import { html } from './ui.js';

const REFRESH_MS = 10_000;

export function ClientActivity({ clientId }) {
  const { data, error } = usePolling(() => admin.get(`/clients/${encodeURIComponent(clientId)}/activity`), REFRESH_MS, [clientId]);
  return html`<figure class="client-activity" data-chart="client-activity" data-total=${data ? data.total : ''}>
    <figcaption>Tokens issued in the last hour: <strong>${data ? data.total : '…'}</strong>${error ? html` <span class="muted">(not updated: ${error.message})</span>` : ''}</figcaption>
    ${data ? html`<${Sparkline} minutes=${data.minutes} values=${data.tokens} label="Tokens" />` : html`<div class="sparkline"></div>`}
  </figure>`;
}
