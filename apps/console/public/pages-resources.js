// The Resources page: the APIs tokens are issued for (RFC 8707), each owning scopes.
import { useState } from 'preact/hooks';
import { admin, fieldError, query } from './api.js';
import { EmptyState, ErrorNotice, Field, html, Loading, Notice, PageHeading, Pager, RequiredNote, useActions, useConfirm, useLoad, usePager } from './ui.js';

const EMPTY = { identifier: '', name: '', scopes: '', accessTokenLifetimeSeconds: '', clientId: '' };

/** The form's strings as the admin API's body: scopes space-separated, empty lifetime and client as null. */
function bodyOf(form) {
  const lifetime = form.accessTokenLifetimeSeconds.trim();
  return {
    identifier: form.identifier.trim(),
    name: form.name,
    scopes: form.scopes.split(/\s+/).filter(Boolean),
    accessTokenLifetimeSeconds: lifetime === '' ? null : Number(lifetime),
    clientId: form.clientId.trim() || null,
  };
}

function formOf(resource) {
  return {
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes.join(' '),
    accessTokenLifetimeSeconds: resource.accessTokenLifetimeSeconds === null ? '' : String(resource.accessTokenLifetimeSeconds),
    clientId: resource.clientId ?? '',
  };
}

export function ResourcesPage() {
  const pager = usePager();
  const { data, error, loading, reload } = useLoad(() => admin.get(`/resources${query({ limit: '50', cursor: pager.cursor })}`), [pager.cursor]);
  // What "Global setting" stands for, shown beside it: the table waits for it (or its failure), so that no cell grows after it showed.
  const settings = useLoad(() => admin.get('/settings'), []);
  const settingsSettled = Boolean(settings.data || settings.error);
  const [form, setForm] = useState(EMPTY);
  /** The resource being edited (its id), or null: the form then adds one. */
  const [editingId, setEditingId] = useState(null);
  const [formError, setFormError] = useState(null);
  const { message, actionError, act } = useActions();
  const { ask, dialog } = useConfirm();

  const save = (event) => {
    event.preventDefault();
    setFormError(null);
    const body = bodyOf(form);
    void act(
      async () => {
        if (editingId) await admin.patch(`/resources/${encodeURIComponent(editingId)}`, body);
        else await admin.post('/resources', body);
        setForm(EMPTY);
        setEditingId(null);
      },
      editingId ? `Resource ${body.identifier} saved.` : `Resource ${body.identifier} added.`,
      reload,
      setFormError,
    );
  };
  const edit = (resource) => {
    setFormError(null);
    setEditingId(resource.id);
    setForm(formOf(resource));
  };
  const cancel = () => {
    setFormError(null);
    setEditingId(null);
    setForm(EMPTY);
  };
  const remove = (resource) =>
    ask({
      title: `Delete the resource ${resource.identifier}?`,
      consequence: 'Clients can no longer ask tokens for it (invalid_target), and its scopes then belong to every audience unless another resource owns them. Tokens already issued for it keep working until they expire; delete them in Token Management to end them now.',
      confirmLabel: 'Delete resource',
      action: () => act(() => admin.delete(`/resources/${encodeURIComponent(resource.id)}`), `Resource ${resource.identifier} deleted.`, reload),
    });
  const otherError = formError && !['identifier', 'name', 'scopes', 'accessTokenLifetimeSeconds', 'clientId'].some((field) => fieldError(formError, field));

  return html`<section>
    <${PageHeading}>Resources<//>
    <p class="muted">The APIs that tokens are issued for (RFC 8707). A client names one with the <code>resource</code> parameter; its token then has that audience and only the scopes the resource owns (and scopes no resource owns).</p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${error || actionError} />
    ${(loading && !data) || !settingsSettled ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Identifier</th><th scope="col">Name</th><th scope="col">Scopes</th><th scope="col">Token lifetime</th><th scope="col">Client</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${6} title="No resources yet.">Add one with the form below: its identifier becomes the audience of the tokens issued for it.<//>`}
        ${data.items.map((resource) => html`<tr key=${resource.id}>
          <td data-label="Identifier"><code>${resource.identifier}</code></td>
          <td data-label="Name">${resource.name}</td>
          <td data-label="Scopes">${resource.scopes.length ? resource.scopes.map((scope) => html`<code key=${scope}>${scope}</code> `) : html`<span class="muted">none</span>`}</td>
          <td data-label="Token lifetime">${resource.accessTokenLifetimeSeconds === null ? globalSettingText(settings.data?.accessTokenLifetimeSeconds) : `${resource.accessTokenLifetimeSeconds} s`}</td>
          <td data-label="Client">${resource.clientId ?? html`<span class="muted">none</span>`}</td>
          <td class="row-actions">
            <button type="button" class="secondary" onClick=${() => edit(resource)}>Edit<span class="visually-hidden"> ${resource.identifier}</span></button>
            <button type="button" class="secondary" onClick=${() => remove(resource)}>Delete<span class="visually-hidden"> ${resource.identifier}</span></button>
          </td>
        </tr>`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Resource" />`}
    <form class="panel" onSubmit=${save} novalidate>
      <h2>${editingId ? 'Edit the resource' : 'Add a resource'}</h2>
      <${RequiredNote} />
      <${Field} label="Identifier" name="identifier" error=${formError} value=${form.identifier} required
        hint="An absolute URI without a fragment, e.g. https://api.example.com: the tokens' aud." onInput=${(identifier) => setForm({ ...form, identifier })} />
      <${Field} label="Name" name="name" error=${formError} value=${form.name} required onInput=${(name) => setForm({ ...form, name })} />
      <${Field} label="Scopes" name="scopes" error=${formError} value=${form.scopes}
        hint="Existing scope names, separated by spaces." onInput=${(scopes) => setForm({ ...form, scopes })} />
      <${Field} label="Access token lifetime (seconds)" name="accessTokenLifetimeSeconds" type="number" min="1" error=${formError} value=${form.accessTokenLifetimeSeconds}
        hint="Empty: the global setting. A client's own lifetime still wins." onInput=${(accessTokenLifetimeSeconds) => setForm({ ...form, accessTokenLifetimeSeconds })} />
      <${Field} label="Client ID" name="clientId" error=${formError} value=${form.clientId}
        hint="Optional: the client that represents this resource." onInput=${(clientId) => setForm({ ...form, clientId })} />
      ${otherError && html`<${ErrorNotice} error=${formError} />`}
      <button type="submit">${editingId ? 'Save resource' : 'Add resource'}</button>
      ${editingId && html`<button type="button" class="secondary" onClick=${cancel}>Cancel</button>`}
    </form>
    ${dialog}
  </section>`;
}

/** "Global setting (3600 s)", or without the value until the settings are read (or if they cannot be). */
function globalSettingText(seconds) {
  return typeof seconds === 'number' ? `Global setting (${seconds} s)` : 'Global setting';
}
