// The resource server's own audit trail (GET /admin/v1/audit there): route changes and the local
// client switch, refused attempts included, newest first; rows shown as on the Audit Trail page.
import { request, query } from './api.js';
import { AuditRow } from './pages-audit.js';
import { EmptyState, ErrorNotice, html, Loading, Pager, useLoad, usePager } from './ui.js';

export function RsAuditSection({ base, version }) {
  const pager = usePager();
  const { data, error, loading } = useLoad(() => request('GET', `${base}/admin/v1/audit${query({ limit: '10', cursor: pager.cursor })}`), [base, pager.cursor, version]);
  return html`<div>
    <h2>Changes at the resource server</h2>
    <p class="muted">Its admin changes (routes, clients enabled or disabled here), refused ones included, with who made them. The authorization server's changes are in the Audit Trail.</p>
    <${ErrorNotice} error=${error} />
    ${loading && !data ? html`<${Loading} />` : data && html`<div class="table-wrap"><table class="audit">
      <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">Change</th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${5} title="No change yet.">Adding a route or disabling a client on this page records who did it here.<//>`}
        ${data.items.map((event) => html`<${AuditRow} key=${event.id} event=${event} />`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Resource server changes" />`}
  </div>`;
}
