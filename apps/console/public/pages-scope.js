// A scope's page (#/scopes/{name}): its clients, associated or disassociated from here as from a client's page.
import { useState } from 'preact/hooks';
import { admin, query } from './api.js';
import { clientLabel } from './pages-clients.js';
import { disassociateConsequence } from './pages-scopes.js';
import { ErrorNotice, Field, html, Loading, Notice, PageHeading, RequiredNote, useActions, useConfirm, useLoad } from './ui.js';

/** Every item of a list endpoint, page after page (a scope's clients and the client picker need them all). */
async function allItems(path) {
  const items = [];
  let cursor;
  do {
    const page = await admin.get(`${path}${query({ limit: '200', cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export function ScopePage({ name }) {
  const path = `/scopes/${encodeURIComponent(name)}`;
  const { data, error, loading, reload } = useLoad(async () => {
    const [scope, associated, clients] = await Promise.all([admin.get(path), allItems(`${path}/clients`), allItems('/clients')]);
    return { scope, associated, clients };
  }, [name]);
  const [selected, setSelected] = useState('');
  const { message, actionError, act } = useActions();
  const { ask, dialog } = useConfirm();

  if (loading && !data) return html`<${Loading} />`;
  if (error) return html`<section><${PageHeading}>Scope ${name}<//><${ErrorNotice} error=${error} /></section>`;
  const { scope, associated, clients } = data;
  const associatedIds = new Set(associated.map((client) => client.clientId));
  const available = clients.filter((client) => !associatedIds.has(client.clientId));
  const scopesOf = (client) => `/clients/${encodeURIComponent(client.clientId)}/scopes/${encodeURIComponent(name)}`;

  const associate = (event) => {
    event.preventDefault();
    const client = available.find((candidate) => candidate.clientId === (selected || available[0]?.clientId));
    if (!client) return;
    void act(() => admin.put(scopesOf(client)), `${clientLabel(client)} may now ask for ${name}.`, reload).then(() => setSelected(''));
  };
  const disassociate = (client) =>
    ask({
      title: `Disassociate ${name} from ${clientLabel(client)}?`,
      consequence: disassociateConsequence(client, name),
      confirmLabel: 'Disassociate',
      action: () => act(() => admin.delete(scopesOf(client)), `${name} disassociated from ${clientLabel(client)}.`, reload),
    });

  return html`<section>
    <div class="page-head">
      <${PageHeading}>Scope ${name}<//>
      <a class="button secondary" href="#/scopes">All scopes</a>
    </div>
    <p>${scope.description || html`<span class="muted">No description.</span>`}</p>
    ${scope.requiredPermission && html`<p class="muted">Issued to users only with the permission <code>${scope.requiredPermission}</code>.</p>`}
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${actionError} />
    <h2>Clients with this scope</h2>
    ${associated.length === 0 ? html`<p>No client may ask for this scope yet. Associate one below.</p>` : html`<div class="table-wrap"><table>
      <caption class="visually-hidden">Clients associated with ${name}</caption>
      <thead><tr><th scope="col">Name (Version)</th><th scope="col">Client ID</th><th scope="col">Active</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${associated.map((client) => html`<tr key=${client.clientId}>
          <td data-label="Name (Version)"><a href=${`#/clients/${encodeURIComponent(client.clientId)}/scopes`}>${clientLabel(client)}</a></td>
          <td data-label="Client ID"><code>${client.clientId}</code></td>
          <td data-label="Active">${client.active ? 'Yes' : 'No'}</td>
          <td class="row-actions"><button type="button" class="secondary" onClick=${() => disassociate(client)}>Disassociate<span class="visually-hidden"> ${clientLabel(client)}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>`}
    <form class="panel" onSubmit=${associate} novalidate>
      <h2>Associate a client</h2>
      ${available.length === 0 ? html`<p>Every client already has this scope.</p>` : html`
        <${RequiredNote} />
        <${Field} label="Client" name="client" required>
          ${({ id, required }) => html`<select id=${id} required=${required} aria-required="true" value=${selected || available[0].clientId} onChange=${(e) => setSelected(e.currentTarget.value)}>
            ${available.map((client) => html`<option key=${client.clientId} value=${client.clientId}>${clientLabel(client)} — ${client.clientId}</option>`)}
          </select>`}
        <//>
        <button type="submit">Associate</button>`}
    </form>
    ${dialog}
  </section>`;
}
