// Token Management: grants per client and user, without their values; delete one or all.
import { useState } from 'preact/hooks';
import { admin, query } from './api.js';
import { GRANT_LABELS } from './pages-clients.js';
import { EmptyState, ErrorNotice, Field, formatDate, html, Loading, Notice, PageHeading, Pager, useActions, useConfirm, useLoad, usePager } from './ui.js';

function refreshLeft(refresh) {
  if (!refresh) return 'No refresh token';
  return refresh.remaining === 'unlimited' ? 'Unlimited' : String(refresh.remaining);
}

export function TokensPage() {
  const initial = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const [draft, setDraft] = useState({ clientId: initial.get('clientId') ?? '', username: '' });
  const [filter, setFilter] = useState(draft);
  const pager = usePager();
  const { data, error, loading, reload } = useLoad(
    () => admin.get(`/tokens${query({ clientId: filter.clientId, username: filter.username, limit: '25', cursor: pager.cursor })}`),
    [filter, pager.cursor],
  );
  const clients = useLoad(() => admin.get('/clients?limit=100'), []);
  const { message, actionError, act: runAction } = useActions();
  const { ask, dialog } = useConfirm();

  const apply = (event) => {
    event.preventDefault();
    pager.reset();
    setFilter(draft);
  };
  const act = (work, done) => runAction(work, done, reload);
  const deleteOne = (token) =>
    ask({
      title: 'Delete this token?',
      consequence: 'The access token and its refresh token stop working at once, here and at the resource servers.',
      confirmLabel: 'Delete token',
      action: () => act(() => admin.delete(`/tokens/${encodeURIComponent(token.id)}`), 'Token deleted.'),
    });
  const deleteAll = () =>
    ask({
      title: `Delete all tokens of ${filter.clientId}?`,
      consequence: 'Every access and refresh token of this client stops working at once. The client stays registered and can get new tokens.',
      confirmLabel: 'Delete all tokens',
      action: () => act(() => admin.delete(`/clients/${encodeURIComponent(filter.clientId)}/tokens`), 'All tokens of the client deleted.'),
    });

  const clientName = new Map((clients.data?.items ?? []).map((c) => [c.clientId, `${c.name} (${c.version})`]));
  // The rows wait for the client names too: a name replacing an id would change the rows' height.
  const waiting = (loading && !data) || (clients.loading && !clients.data);
  return html`<section>
    <${PageHeading}>Token Management<//>
    <form class="filters" onSubmit=${apply} role="search" aria-label="Filter tokens">
      <${Field} label="Client" name="filter-client">
        ${({ id }) => html`<select id=${id} value=${draft.clientId} onChange=${(e) => setDraft({ ...draft, clientId: e.currentTarget.value })}>
          <option value="">All clients</option>
          ${(clients.data?.items ?? []).map((c) => html`<option key=${c.clientId} value=${c.clientId}>${c.name} (${c.version})</option>`)}
        </select>`}
      <//>
      <${Field} label="User" name="filter-username" value=${draft.username} onInput=${(username) => setDraft({ ...draft, username })} />
      <button type="submit">Show tokens</button>
    </form>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${error || actionError} />
    ${filter.clientId && html`<p><button type="button" class="danger" onClick=${deleteAll}>Delete all tokens of this client</button></p>`}
    ${waiting ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr>
        <th scope="col">Client</th><th scope="col">User</th><th scope="col">Grant</th><th scope="col">Scopes</th>
        <th scope="col">Issued</th><th scope="col">Expires</th><th scope="col">Refresh count left</th><th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${8} title="No tokens.">Tokens appear here when clients get them at /oauth/token. To see others, choose another client or user and Show tokens.<//>`}
        ${data.items.map((token) => html`<tr key=${token.id}>
          <td data-label="Client">${clientName.get(token.clientId) ?? html`<code>${token.clientId}</code>`}</td>
          <td data-label="User">${token.username ?? '—'}</td>
          <td data-label="Grant">${GRANT_LABELS[token.grant] ?? token.grant}</td>
          <td data-label="Scopes">${token.scopes.join(' ') || '—'}</td>
          <td data-label="Issued">${formatDate(token.issuedAt)}</td>
          <td data-label="Expires">${token.expiresAt ? formatDate(token.expiresAt) : 'Lifetime'}</td>
          <td data-label="Refresh count left">${refreshLeft(token.refresh)}</td>
          <td class="row-actions"><button type="button" class="secondary" onClick=${() => deleteOne(token)}>Delete<span class="visually-hidden"> token issued ${formatDate(token.issuedAt)}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Token" />`}
    ${dialog}
  </section>`;
}
