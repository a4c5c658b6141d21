// Associate Scopes with <Name(Version)>, and the Scopes page (a scope's own page: pages-scope.js).
import { useState } from 'preact/hooks';
import { admin, fieldError, query } from './api.js';
import { clientLabel } from './pages-clients.js';
import { EmptyState, ErrorNotice, Field, html, Loading, Notice, PageHeading, Pager, RequiredNote, useActions, useConfirm, useLoad, usePager } from './ui.js';

const SCOPE_NAME_HINT = 'Letters, digits and punctuation, without spaces, \\ or "; 1 to 128 characters.';

/**
 * What disassociating does to tokens already issued, as the servers behave: nothing is revoked; the
 * resource servers (which narrow a token to its client's current scopes), introspection and the
 * refresh grant stop counting the scope. test/e2e/introspection-stack and console-seed-rules check it.
 */
export function disassociateConsequence(client, name) {
  return `New tokens for ${clientLabel(client)} can no longer carry the scope ${name}. Tokens already issued stop granting it within about a second: resource servers refuse it (403 insufficient_scope), introspection leaves it out, and a refresh drops it. Those tokens are not revoked: until they expire, their other scopes keep working (delete them in Token Management to end them altogether), and associating ${name} again gives it back to them.`;
}

/** Every scope, page after page: the association picker needs all names (lists are small). */
async function allScopes() {
  const items = [];
  let cursor;
  do {
    const page = await admin.get(`/scopes${query({ limit: '100', cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export function AssociateScopesPage({ clientId }) {
  const path = `/clients/${encodeURIComponent(clientId)}`;
  const { data, error, loading, reload } = useLoad(async () => {
    const [client, scopes] = await Promise.all([admin.get(path), allScopes()]);
    return { client, scopes };
  }, [clientId]);
  const [selected, setSelected] = useState([]);
  const [newScope, setNewScope] = useState({ name: '', description: '' });
  const { message, actionError, act } = useActions();
  const [createError, setCreateError] = useState(null);
  const { ask, dialog } = useConfirm();

  if (loading && !data) return html`<${Loading} />`;
  if (error) return html`<section><${PageHeading}>Associate Scopes<//><${ErrorNotice} error=${error} /></section>`;
  const { client, scopes } = data;
  const available = scopes.filter((scope) => !client.scopes.includes(scope.name));
  const descriptions = new Map(scopes.map((scope) => [scope.name, scope.description]));

  const run = (work, done, setError) => {
    setCreateError(null);
    return act(work, done, reload, setError);
  };
  // Every ticked scope in one request: all are associated, or (one deleted meanwhile) none.
  const associate = (event) => {
    event.preventDefault();
    const names = available.map((scope) => scope.name).filter((name) => selected.includes(name));
    if (names.length === 0) return;
    const done = names.length === 1 ? `Scope ${names[0]} associated.` : `Scopes ${names.join(', ')} associated.`;
    void run(() => admin.patch(`${path}/scopes`, { associate: names }), done).then(() => setSelected([]));
  };
  const toggle = (name, on) => setSelected((list) => (on ? [...list, name] : list.filter((other) => other !== name)));
  const create = (event) => {
    event.preventDefault();
    void run(
      async () => {
        await admin.post(`${path}/scopes`, newScope);
        setNewScope({ name: '', description: '' });
      },
      `Scope ${newScope.name} created and associated.`,
      setCreateError,
    );
  };
  const disassociate = (name) =>
    ask({
      title: `Disassociate ${name}?`,
      consequence: disassociateConsequence(client, name),
      confirmLabel: 'Disassociate',
      action: () => run(() => admin.delete(`${path}/scopes/${encodeURIComponent(name)}`), `Scope ${name} disassociated.`),
    });

  return html`<section>
    <div class="page-head">
      <${PageHeading}>Associate Scopes with ${clientLabel(client)}<//>
      <a class="button secondary" href=${`#${path}`}>Edit Client</a>
    </div>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${actionError} />
    <h2>Associated scopes</h2>
    ${client.scopes.length === 0 ? html`<p>No scope is associated with this client yet.</p>` : html`<ul class="scope-list">
      ${client.scopes.map((name) => html`<li key=${name}>
        <span><a href=${`#/scopes/${encodeURIComponent(name)}`}><code>${name}</code></a> ${descriptions.get(name) && html`<span class="muted">${descriptions.get(name)}</span>`}</span>
        <button type="button" class="secondary" onClick=${() => disassociate(name)}>Disassociate<span class="visually-hidden"> ${name}</span></button>
      </li>`)}
    </ul>`}
    <form class="panel" onSubmit=${associate}>
      <h2>Associate existing scopes</h2>
      ${available.length === 0 ? html`<p>Every existing scope is already associated.</p>` : html`
        <fieldset>
          <legend>Scopes to associate</legend>
          <p class="hint">Tick one or more; they are associated together, in one change.</p>
          ${available.map((scope) => html`<label class="choice" key=${scope.name}>
            <input type="checkbox" name="associate" value=${scope.name} checked=${selected.includes(scope.name)} onChange=${(e) => toggle(scope.name, e.currentTarget.checked)} />
            <code>${scope.name}</code>${scope.description ? ` — ${scope.description}` : ''}
          </label>`)}
        </fieldset>
        <button type="submit" disabled=${selected.length === 0}>${selected.length > 1 ? `Associate ${selected.length} scopes` : 'Associate'}</button>`}
    </form>
    <form class="panel" onSubmit=${create} novalidate>
      <h2>Associate a new scope</h2>
      <${RequiredNote} />
      <${Field} label="Scope name" name="name" error=${createError} value=${newScope.name} required
        hint=${SCOPE_NAME_HINT} onInput=${(name) => setNewScope({ ...newScope, name })} />
      <${Field} label="Description" name="description" error=${createError} value=${newScope.description} onInput=${(description) => setNewScope({ ...newScope, description })} />
      ${createError && !fieldError(createError, 'name') && !fieldError(createError, 'description') && html`<${ErrorNotice} error=${createError} />`}
      <button type="submit">Create and associate</button>
    </form>
    ${dialog}
  </section>`;
}

/** What a scope may require of the user (the auth server's permissions); '' stands for null. */
const REQUIRED_PERMISSIONS = [
  ['', 'None: any user'],
  ['access_control', 'access_control (users who may administer Portcullis)'],
];
const REQUIRED_PERMISSION_HINT = 'A user without this permission never gets the scope (client credentials are not users).';

function RequiredPermissionSelect({ id, value, onChange, describedBy }) {
  return html`<select id=${id} value=${value ?? ''} aria-describedby=${describedBy} onChange=${(e) => onChange(e.currentTarget.value || null)}>
    ${REQUIRED_PERMISSIONS.map(([permission, label]) => html`<option value=${permission}>${label}</option>`)}
  </select>`;
}

export function ScopesPage() {
  const pager = usePager();
  const { data, error, loading, reload } = useLoad(() => admin.get(`/scopes${query({ limit: '50', cursor: pager.cursor })}`), [pager.cursor]);
  const [form, setForm] = useState({ name: '', description: '', requiredPermission: null });
  const [formError, setFormError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [message, setMessage] = useState(null);
  const [editing, setEditing] = useState(null);
  const { ask, dialog } = useConfirm();

  const saveDescription = async (event) => {
    event.preventDefault();
    setActionError(null);
    setMessage(null);
    try {
      await admin.patch(`/scopes/${encodeURIComponent(editing.name)}`, { description: editing.description });
      setMessage(`Description of ${editing.name} saved.`);
      setEditing(null);
      reload();
    } catch (caught) {
      setActionError(caught);
    }
  };
  const create = async (event) => {
    event.preventDefault();
    setFormError(null);
    setMessage(null);
    try {
      await admin.post('/scopes', form);
      setMessage(`Scope ${form.name} created.`);
      setForm({ name: '', description: '', requiredPermission: null });
      reload();
    } catch (caught) {
      setFormError(caught);
    }
  };
  const saveRequiredPermission = async (name, requiredPermission) => {
    setActionError(null);
    setMessage(null);
    try {
      await admin.patch(`/scopes/${encodeURIComponent(name)}`, { requiredPermission });
      setMessage(`Required permission of ${name} saved.`);
      reload();
    } catch (caught) {
      setActionError(caught);
    }
  };
  const remove = (name) =>
    ask({
      title: `Delete the scope ${name}?`,
      consequence: 'The scope is removed from every client it is associated with; new tokens can no longer carry it. Tokens already issued are not deleted.',
      confirmLabel: 'Delete scope',
      action: async () => {
        setActionError(null);
        try {
          await admin.delete(`/scopes/${encodeURIComponent(name)}`);
          setMessage(`Scope ${name} deleted.`);
          reload();
        } catch (caught) {
          setActionError(caught);
        }
      },
    });

  return html`<section>
    <${PageHeading}>Scopes<//>
    <p class="muted">Resource servers must know the same scope names. Associate scopes with clients from a client's page, or from a scope's page (its name).</p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${error || actionError} />
    ${loading && !data ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Required permission</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${4} title="No scopes yet.">Add one with the form below, then associate it with clients from their pages.<//>`}
        ${data.items.map((scope) => html`<tr key=${scope.name}>
          <td data-label="Name"><a href=${`#/scopes/${encodeURIComponent(scope.name)}`}><code>${scope.name}</code></a></td>
          <td data-label="Description">${editing?.name === scope.name
            ? html`<form class="inline-edit" onSubmit=${saveDescription}>
                <label class="visually-hidden" for="edit-description">Description of ${scope.name}</label>
                <input id="edit-description" value=${editing.description} onInput=${(e) => setEditing({ ...editing, description: e.currentTarget.value })} />
                <button type="submit">Save</button>
                <button type="button" class="secondary" onClick=${() => setEditing(null)}>Cancel</button>
                ${fieldError(actionError, 'description') && html`<p class="field-error" role="alert">${fieldError(actionError, 'description')}</p>`}
              </form>`
            : scope.description}</td>
          <td data-label="Required permission">
            <label class="visually-hidden" for=${`required-${scope.name}`}>Required permission of ${scope.name}</label>
            <${RequiredPermissionSelect} id=${`required-${scope.name}`} value=${scope.requiredPermission} onChange=${(permission) => saveRequiredPermission(scope.name, permission)} />
          </td>
          <td class="row-actions">
            <button type="button" class="secondary" onClick=${() => setEditing({ name: scope.name, description: scope.description })}>Edit<span class="visually-hidden"> description of ${scope.name}</span></button>
            <button type="button" class="secondary" onClick=${() => remove(scope.name)}>Delete<span class="visually-hidden"> ${scope.name}</span></button>
          </td>
        </tr>`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Scope" />`}
    <form class="panel" onSubmit=${create} novalidate>
      <h2>Add a scope</h2>
      <${RequiredNote} />
      <${Field} label="Scope name" name="name" error=${formError} value=${form.name} required onInput=${(name) => setForm({ ...form, name })} />
      <${Field} label="Description" name="description" error=${formError} value=${form.description} onInput=${(description) => setForm({ ...form, description })} />
      <${Field} label="Required permission" name="requiredPermission" error=${formError} hint=${REQUIRED_PERMISSION_HINT}>
        ${({ id, describedBy }) => html`<${RequiredPermissionSelect} id=${id} describedBy=${describedBy} value=${form.requiredPermission} onChange=${(requiredPermission) => setForm({ ...form, requiredPermission })} />`}
      <//>
      ${formError && !fieldError(formError, 'name') && !fieldError(formError, 'description') && !fieldError(formError, 'requiredPermission') && html`<${ErrorNotice} error=${formError} />`}
      <button type="submit">Add scope</button>
    </form>
    ${dialog}
  </section>`;
}
