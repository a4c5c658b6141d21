// OAuth settings, Users, Signing keys.
import { useEffect, useState } from 'preact/hooks';
import { admin, fieldError, query } from './api.js';
import { EmptyState, ErrorNotice, Field, formatDate, html, Loading, Notice, PageHeading, Pager, RequiredNote, useActions, useConfirm, useLoad, usePager } from './ui.js';
import { UserProfileEditor } from './user-profile.js';

export function SettingsPage() {
  const { data, error, loading, reload } = useLoad(() => admin.get('/settings'), []);
  const [form, setForm] = useState(null);
  const [saveError, setSaveError] = useState(null);
  const [message, setMessage] = useState(null);
  useEffect(() => {
    if (data) {
      setForm({
        accessTokenLifetimeSeconds: String(data.accessTokenLifetimeSeconds),
        authorizationCodeLifetimeSeconds: String(data.authorizationCodeLifetimeSeconds),
        deviceCodeLifetimeSeconds: String(data.deviceCodeLifetimeSeconds),
        accessTokenAudience: data.accessTokenAudience,
        auditRetentionDays: String(data.auditRetentionDays),
        clientIdMetadataDocuments: Boolean(data.clientIdMetadataDocuments),
        dpopNonceRequired: Boolean(data.dpopNonceRequired),
        requirePushedAuthorizationRequests: Boolean(data.requirePushedAuthorizationRequests),
        clientIdMetadataDocumentHosts: (data.clientIdMetadataDocumentHosts ?? []).join(' '),
        ...registrationForm(data),
      });
    }
  }, [data]);
  if (loading && !data) return html`<${Loading} />`;
  if (error) return html`<section><${PageHeading}>OAuth Settings<//><${ErrorNotice} error=${error} /></section>`;
  if (!form) return null;
  const number = (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  const save = async (event) => {
    event.preventDefault();
    setSaveError(null);
    setMessage(null);
    try {
      await admin.patch('/settings', {
        accessTokenLifetimeSeconds: number(form.accessTokenLifetimeSeconds),
        authorizationCodeLifetimeSeconds: number(form.authorizationCodeLifetimeSeconds),
        deviceCodeLifetimeSeconds: number(form.deviceCodeLifetimeSeconds),
        accessTokenAudience: form.accessTokenAudience,
        auditRetentionDays: number(form.auditRetentionDays),
        clientIdMetadataDocuments: form.clientIdMetadataDocuments,
        dpopNonceRequired: form.dpopNonceRequired,
        requirePushedAuthorizationRequests: form.requirePushedAuthorizationRequests,
        clientIdMetadataDocumentHosts: form.clientIdMetadataDocumentHosts.split(/[\s,]+/).filter(Boolean),
        dynamicRegistration: form.dynamicRegistration,
        registrationPolicy: {
          grantTypes: form.registrationGrantTypes,
          maxScopes: number(form.maxScopes),
          registrationsPerIpPerHour: number(form.registrationsPerIpPerHour),
          deleteUnusedAfterDays: number(form.deleteUnusedAfterDays),
        },
      });
      setMessage('Settings saved. They apply to tokens issued from now on.');
      reload();
    } catch (caught) {
      setSaveError(caught);
    }
  };
  return html`<section>
    <${PageHeading}>OAuth Settings<//>
    ${message && html`<${Notice}>${message}<//>`}
    ${saveError && !saveError.fieldErrors?.length && html`<${ErrorNotice} error=${saveError} />`}
    <form onSubmit=${save} novalidate>
      <${RequiredNote} />
      <${Field} label="Access token lifetime (seconds)" name="accessTokenLifetimeSeconds" type="number" min="1" required error=${saveError}
        hint="Used by clients whose Expiration Interval is “Use global setting”." value=${form.accessTokenLifetimeSeconds}
        onInput=${(v) => setForm({ ...form, accessTokenLifetimeSeconds: v })} />
      <${Field} label="Authorization code lifetime (seconds)" name="authorizationCodeLifetimeSeconds" type="number" min="1" required error=${saveError}
        value=${form.authorizationCodeLifetimeSeconds} onInput=${(v) => setForm({ ...form, authorizationCodeLifetimeSeconds: v })} />
      <${Field} label="Device code lifetime (seconds)" name="deviceCodeLifetimeSeconds" type="number" min="1" max="86400" required error=${saveError}
        hint="How long a device (RFC 8628) waits for the user to enter its code; its expires_in."
        value=${form.deviceCodeLifetimeSeconds} onInput=${(v) => setForm({ ...form, deviceCodeLifetimeSeconds: v })} />
      <${Field} label="Access token audience" name="accessTokenAudience" type="url" required error=${saveError}
        hint="The resource servers' identifier, put in the aud claim." value=${form.accessTokenAudience}
        onInput=${(v) => setForm({ ...form, accessTokenAudience: v })} />
      <${Field} label="Audit retention (days)" name="auditRetentionDays" type="number" min="1" max="3650" required error=${saveError}
        hint="Audit events older than this are removed by the retention job; expired tokens go once nothing can use them and their audit event is this old."
        value=${form.auditRetentionDays} onInput=${(v) => setForm({ ...form, auditRetentionDays: v })} />
      <label class="choice"><input type="checkbox" name="requirePushedAuthorizationRequests" checked=${form.requirePushedAuthorizationRequests}
        onChange=${(e) => setForm({ ...form, requirePushedAuthorizationRequests: e.currentTarget.checked })} /> Require pushed authorization requests (PAR) from every client</label>
      <label class="choice"><input type="checkbox" name="clientIdMetadataDocuments" checked=${form.clientIdMetadataDocuments}
        onChange=${(e) => setForm({ ...form, clientIdMetadataDocuments: e.currentTarget.checked })} /> Client ID metadata documents (an https URL may be a client_id)</label>
      <${Field} label="Metadata document hosts allowed over http or on private addresses" name="clientIdMetadataDocumentHosts" error=${saveError}
        hint="Origin patterns separated by spaces, such as http://127.0.0.1:* (for tests and internal deployments). Empty: only https on public addresses."
        value=${form.clientIdMetadataDocumentHosts} onInput=${(v) => setForm({ ...form, clientIdMetadataDocumentHosts: v })} />
      <label class="choice"><input type="checkbox" name="dpopNonceRequired" checked=${form.dpopNonceRequired}
        onChange=${(e) => setForm({ ...form, dpopNonceRequired: e.currentTarget.checked })} /> DPoP proofs at the token endpoint must carry the server nonce</label>
      <${RegistrationSettings} form=${form} setForm=${setForm} error=${saveError} />
      <div class="actions"><button type="submit">Save Settings</button></div>
    </form>
  </section>`;
}

const REGISTRATION_MODES = [
  ['off', 'Off: /oauth/register answers 404'],
  ['initial-access-token', 'With an initial access token (issued by the admin API)'],
  ['open', 'Open: anyone may register, under the policy below'],
];
const POLICY_GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'urn:ietf:params:oauth:grant-type:device_code'];

function registrationForm(settings) {
  const policy = settings.registrationPolicy;
  return {
    dynamicRegistration: settings.dynamicRegistration,
    registrationGrantTypes: policy.grantTypes,
    maxScopes: String(policy.maxScopes),
    registrationsPerIpPerHour: String(policy.registrationsPerIpPerHour),
    deleteUnusedAfterDays: String(policy.deleteUnusedAfterDays),
  };
}

/** Dynamic client registration (RFC 7591): the mode and the policy registered clients live under. */
function RegistrationSettings({ form, setForm, error }) {
  const set = (changes) => setForm({ ...form, ...changes });
  return html`<fieldset>
    <legend>Dynamic Client Registration</legend>
    <${Field} label="Registration at /oauth/register" name="dynamicRegistration" error=${error}>
      ${({ id, describedBy }) => html`<select id=${id} aria-describedby=${describedBy} value=${form.dynamicRegistration} onChange=${(e) => set({ dynamicRegistration: e.currentTarget.value })}>
        ${REGISTRATION_MODES.map(([mode, label]) => html`<option value=${mode} key=${mode}>${label}</option>`)}
      </select>`}
    <//>
    <fieldset>
      <legend>Grant types a registration may ask for</legend>
      ${POLICY_GRANT_TYPES.map((grant) => html`<label class="choice" key=${grant}>
        <input type="checkbox" name="registrationGrantTypes" value=${grant} checked=${form.registrationGrantTypes.includes(grant)}
          onChange=${(e) => set({ registrationGrantTypes: e.currentTarget.checked ? [...form.registrationGrantTypes, grant] : form.registrationGrantTypes.filter((g) => g !== grant) })} />
        <code>${grant}</code>
      </label>`)}
      ${fieldError(error, 'registrationPolicy.grantTypes') && html`<p class="field-error" role="alert">${fieldError(error, 'registrationPolicy.grantTypes')}</p>`}
    </fieldset>
    <${Field} label="Scopes per registered client (at most)" name="registrationPolicy.maxScopes" type="number" min="0" max="100" required error=${error}
      value=${form.maxScopes} onInput=${(v) => set({ maxScopes: v })} />
    <${Field} label="Registrations per IP address and hour (open mode)" name="registrationPolicy.registrationsPerIpPerHour" type="number" min="1" required error=${error}
      value=${form.registrationsPerIpPerHour} onInput=${(v) => set({ registrationsPerIpPerHour: v })} />
    <${Field} label="Remove registered clients unused for (days)" name="registrationPolicy.deleteUnusedAfterDays" type="number" min="0" max="3650" required error=${error}
      hint="0 keeps them. Redirect URIs of registered clients are always https, or http on a loopback host."
      value=${form.deleteUnusedAfterDays} onInput=${(v) => set({ deleteUnusedAfterDays: v })} />
  </fieldset>`;
}

export function UsersPage() {
  const pager = usePager();
  const { data, error, loading, reload } = useLoad(() => admin.get(`/users${query({ limit: '50', cursor: pager.cursor })}`), [pager.cursor]);
  const [form, setForm] = useState({ username: '', password: '', accessControl: false });
  const [formError, setFormError] = useState(null);
  const [editing, setEditing] = useState(null);
  const { ask, dialog } = useConfirm();
  const { message, setMessage, actionError, act: runAction } = useActions();
  const act = (work, done) => runAction(work, done, reload);
  const create = async (event) => {
    event.preventDefault();
    setFormError(null);
    setMessage(null);
    try {
      await admin.post('/users', { username: form.username, password: form.password, permissions: form.accessControl ? ['access_control'] : [] });
      setMessage(`User ${form.username} created.`);
      setForm({ username: '', password: '', accessControl: false });
      reload();
    } catch (caught) {
      setFormError(caught);
    }
  };
  const toggle = (user, key) => {
    if (key === 'active') {
      const patch = { active: !user.active };
      if (user.active) {
        ask({
          title: `Deactivate ${user.username}?`,
          consequence: 'The user can no longer sign in or use the password grant, and the admin API refuses their tokens.',
          confirmLabel: 'Deactivate user',
          action: () => act(() => admin.patch(`/users/${encodeURIComponent(user.id)}`, patch), `${user.username} deactivated.`),
        });
      } else void act(() => admin.patch(`/users/${encodeURIComponent(user.id)}`, patch), `${user.username} activated.`);
      return;
    }
    const has = user.permissions.includes('access_control');
    const permissions = has ? user.permissions.filter((p) => p !== 'access_control') : [...user.permissions, 'access_control'];
    void act(() => admin.patch(`/users/${encodeURIComponent(user.id)}`, { permissions }), `Access control ${has ? 'withdrawn from' : 'granted to'} ${user.username}.`);
  };
  const remove = (user) =>
    ask({
      title: `Delete ${user.username}?`,
      consequence: 'The user is deleted and can no longer sign in. Their tokens stop being accepted by the admin API.',
      confirmLabel: 'Delete user',
      action: () => act(() => admin.delete(`/users/${encodeURIComponent(user.id)}`), `${user.username} deleted.`),
    });

  return html`<section>
    <${PageHeading}>Users<//>
    <p class="muted">Resource owners who sign in at the authorization endpoint. Users with the access-control permission administer Portcullis.</p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${error || actionError} />
    ${loading && !data ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Username</th><th scope="col">Access control</th><th scope="col">Active</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${5} title="No users yet.">Add one with the form below; give it access control to let it administer Portcullis.<//>`}
        ${data.items.map((user) => html`<tr key=${user.id}>
          <td data-label="Username">${user.username}</td>
          <td data-label="Access control">${user.permissions.includes('access_control') ? 'Yes' : 'No'}</td>
          <td data-label="Active">${user.active ? 'Yes' : 'No'}</td>
          <td data-label="Created">${formatDate(user.createdAt)}</td>
          <td class="row-actions">
            <button type="button" class="secondary" onClick=${() => { setMessage(null); setEditing(user); }}>Edit profile<span class="visually-hidden"> of ${user.username}</span></button>
            <button type="button" class="secondary" onClick=${() => toggle(user, 'permission')}>${user.permissions.includes('access_control') ? 'Withdraw access control' : 'Grant access control'}<span class="visually-hidden"> for ${user.username}</span></button>
            <button type="button" class="secondary" onClick=${() => toggle(user, 'active')}>${user.active ? 'Deactivate' : 'Activate'}<span class="visually-hidden"> ${user.username}</span></button>
            <a class="button secondary" href=${`#/users/${encodeURIComponent(user.id)}/sessions`}>Sessions and consents<span class="visually-hidden"> of ${user.username}</span></a>
            <button type="button" class="danger" onClick=${() => remove(user)}>Delete<span class="visually-hidden"> ${user.username}</span></button>
          </td>
        </tr>`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="User" />`}
    ${editing && html`<${UserProfileEditor} key=${editing.id} user=${editing} onDone=${(done) => { setEditing(null); if (done) { setMessage(done); reload(); } }} />`}
    <form class="panel" onSubmit=${create} novalidate>
      <h2>Add a user</h2>
      <${RequiredNote} />
      <${Field} label="Username" name="username" error=${formError} value=${form.username} required autocomplete="off" onInput=${(username) => setForm({ ...form, username })} />
      <${Field} label="Password" name="password" type="password" error=${formError} value=${form.password} required autocomplete="new-password" onInput=${(password) => setForm({ ...form, password })} />
      <label class="choice"><input type="checkbox" checked=${form.accessControl} onChange=${(e) => setForm({ ...form, accessControl: e.currentTarget.checked })} /> Access control (may administer Portcullis)</label>
      ${fieldError(formError, 'permissions') && html`<p class="field-error" role="alert">${fieldError(formError, 'permissions')}</p>`}
      ${formError && !formError.fieldErrors?.length && html`<${ErrorNotice} error=${formError} />`}
      <div class="actions"><button type="submit">Add user</button></div>
    </form>
    ${dialog}
  </section>`;
}

export function KeysPage() {
  const { data, error, loading, reload } = useLoad(() => admin.get('/keys'), []);
  const [message, setMessage] = useState(null);
  const [actionError, setActionError] = useState(null);
  const { ask, dialog } = useConfirm();
  const rotate = () =>
    ask({
      title: 'Rotate the signing key?',
      consequence: 'A new key of each algorithm (ES256 for access tokens, RS256 for OpenID Connect id tokens) is published in the JWKS now and starts signing shortly after. Tokens signed with the current keys stay valid until they expire: those keys stay published.',
      confirmLabel: 'Rotate signing key',
      action: async () => {
        setActionError(null);
        try {
          const result = await admin.post('/keys/rotate', {});
          setMessage(`New signing keys ${result.kids.ES256} (ES256) and ${result.kids.RS256} (RS256) published.`);
          reload();
        } catch (caught) {
          setActionError(caught);
        }
      },
    });
  return html`<section>
    <div class="page-head">
      <${PageHeading}>Signing Keys<//>
      <button type="button" onClick=${rotate}>Rotate signing key</button>
    </div>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${error || actionError} />
    ${loading && !data ? html`<${Loading} />` : data && html`<div class="table-wrap"><table>
      <thead><tr><th scope="col">Key ID</th><th scope="col">Algorithm</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Activated</th><th scope="col">Retired</th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${6} title="No signing keys yet.">Rotate signing key publishes a new key of each algorithm; tokens are signed once it is active.<//>`}
        ${data.items.map((key) => html`<tr key=${key.kid}>
        <td data-label="Key ID"><code>${key.kid}</code></td>
        <td data-label="Algorithm">${key.alg}</td>
        <td data-label="Status">${key.status}</td>
        <td data-label="Created">${formatDate(key.createdAt)}</td>
        <td data-label="Activated">${formatDate(key.activatedAt)}</td>
        <td data-label="Retired">${formatDate(key.retiredAt)}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${dialog}
  </section>`;
}
