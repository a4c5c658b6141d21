// Client Registration: the list, Add New Client, Edit Client (secret regeneration, deactivation).
import { useState } from 'preact/hooks';
import { admin, ApiError, fieldError, query } from './api.js';
import { ClientActivity } from './client-activity.js';
import { EmptyState, ErrorNotice, Field, html, Loading, Notice, PageHeading, Pager, RequiredNote, useConfirm, useId, useLoad, usePager } from './ui.js';

export const GRANT_LABELS = {
  authorization_code: 'Authorization Code',
  client_credentials: 'Client Credentials',
  password: 'Resource Owner Password Credentials',
  implicit: 'Implicit',
  'urn:ietf:params:oauth:grant-type:token-exchange': 'Token Exchange',
  'urn:ietf:params:oauth:grant-type:device_code': 'Device Authorization (RFC 8628)',
};
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const GRANTS_BY_TYPE = {
  confidential: ['authorization_code', 'client_credentials', 'password', TOKEN_EXCHANGE, 'urn:ietf:params:oauth:grant-type:device_code'],
  public: ['implicit', 'authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
};

export function clientLabel(client) {
  return `${client.name} (${client.version})`;
}

export function ClientListPage() {
  const [filter, setFilter] = useState({ name: '', active: '' });
  const [draft, setDraft] = useState({ name: '', active: '' });
  const pager = usePager();
  const { data, error, loading } = useLoad(
    () => admin.get(`/clients${query({ name: filter.name, active: filter.active, limit: '20', cursor: pager.cursor })}`),
    [filter, pager.cursor],
  );
  const apply = (event) => {
    event.preventDefault();
    pager.reset();
    setFilter(draft);
  };
  return html`<section>
    <div class="page-head">
      <${PageHeading}>Client Registration<//>
      <a class="button" href="#/clients/new">Add New Client</a>
    </div>
    <form class="filters" onSubmit=${apply} role="search" aria-label="Filter clients">
      <${Field} label="Name" name="filter-name" value=${draft.name} onInput=${(name) => setDraft({ ...draft, name })} />
      <${Field} label="Active" name="filter-active">
        ${({ id }) => html`<select id=${id} value=${draft.active} onChange=${(e) => setDraft({ ...draft, active: e.currentTarget.value })}>
          <option value="">All</option><option value="true">Active</option><option value="false">Inactive</option>
        </select>`}
      <//>
      <button type="submit">Filter</button>
    </form>
    <${ErrorNotice} error=${error} />
    ${loading && !data ? html`<${Loading} />` : data && html`
      <div class="table-wrap"><table>
        <caption class="visually-hidden">Registered clients</caption>
        <thead><tr><th scope="col">Name (Version)</th><th scope="col">Type</th><th scope="col">Registration</th><th scope="col">Active</th><th scope="col">Client ID</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${data.items.length === 0 && html`<${EmptyState} columns=${6} title="No clients match.">Clear the filter to see every client, or register one with <a href="#/clients/new">Add New Client</a>.<//>`}
          ${data.items.map((client) => html`<tr key=${client.clientId}>
            <td data-label="Name (Version)"><a href=${`#/clients/${encodeURIComponent(client.clientId)}`}>${clientLabel(client)}</a></td>
            <td data-label="Type">${client.type === 'confidential' ? 'Confidential' : 'Public'}</td>
            <td data-label="Registration">${client.registration === 'dynamic' ? 'Dynamic' : 'Admin'}</td>
            <td data-label="Active">${client.active ? 'Yes' : 'No'}</td>
            <td data-label="Client ID"><code>${client.clientId}</code></td>
            <td class="row-actions"><a href=${`#/clients/${encodeURIComponent(client.clientId)}/scopes`}>Scopes<span class="visually-hidden"> of ${clientLabel(client)}</span></a></td>
          </tr>`)}
        </tbody>
      </table></div>
      <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Client" />`}
  </section>`;
}

/** The form's state from a client (or the defaults of CONTRACT.md for a new one). */
function toForm(client) {
  const lifetime = client?.accessTokenLifetime ?? { mode: 'global' };
  const refresh = client?.refreshCount ?? { mode: 'limited', limit: 0 };
  return {
    name: client?.name ?? '',
    description: client?.description ?? '',
    version: client?.version ?? '',
    type: client?.type ?? 'confidential',
    redirectUris: client?.redirectUris?.length ? [...client.redirectUris] : [''],
    grants: client?.grants ? [...client.grants] : ['authorization_code'],
    lifetimeMode: lifetime.mode,
    lifetimeSeconds: lifetime.mode === 'seconds' ? String(lifetime.seconds) : '3600',
    refreshMode: refresh.mode,
    // 0 shows as the empty field it can be saved from: "no refresh token" (issue 18).
    refreshLimit: refresh.mode === 'limited' && refresh.limit > 0 ? String(refresh.limit) : '',
    active: client?.active ?? true,
    introspection: client?.introspection ?? false,
    idTokenSignedResponseAlg: client?.idTokenSignedResponseAlg ?? 'RS256',
    postLogoutRedirectUris: client?.postLogoutRedirectUris?.length ? [...client.postLogoutRedirectUris] : [''],
    tokenExchangeAudiences: client?.tokenExchangeAudiences?.length ? [...client.tokenExchangeAudiences] : [''],
    tokenExchangeImpersonation: client?.tokenExchangeImpersonation ?? false,
    tokenEndpointAuthMethod: client?.type === 'public' ? 'client_secret_basic' : client?.tokenEndpointAuthMethod ?? 'client_secret_basic',
    keySource: client?.jwksUri ? 'uri' : 'inline',
    jwks: client?.jwks ? JSON.stringify(client.jwks, null, 2) : '',
    jwksUri: client?.jwksUri ?? '',
    requirePushedAuthorizationRequests: client?.requirePushedAuthorizationRequests ?? false,
  };
}

/** The pasted key set as JSON; text that does not parse goes as it is, and the server names the field. */
function parsedJwks(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const AUTH_METHODS = [
  ['client_secret_basic', 'Client secret (HTTP Basic or form)'],
  ['client_secret_post', 'Client secret in the form'],
  ['client_secret_jwt', 'JWT signed with the client secret (client_secret_jwt)'],
  ['private_key_jwt', 'JWT signed with the client\'s private key (private_key_jwt)'],
];

/** An empty limit (or 0) means no refresh token; the API reads a limit left out the same way. */
function noRefreshToken(form) {
  return form.refreshMode === 'limited' && (form.refreshLimit.trim() === '' || Number(form.refreshLimit) === 0);
}

/** Grants whose flow sends the user back to a redirection URL: with one of them, a URL is required. */
const REDIRECTING_GRANTS = ['authorization_code', 'implicit'];

/** The request body; numbers the browser cannot parse go as they are, and the server names the field. */
function toBody(form, isNew) {
  const number = (text) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  const body = {
    description: form.description,
    version: form.version,
    type: form.type,
    redirectUris: form.redirectUris.map((uri) => uri.trim()).filter(Boolean),
    grants: form.grants.filter((grant) => GRANTS_BY_TYPE[form.type].includes(grant)),
    accessTokenLifetime: form.lifetimeMode === 'seconds' ? { mode: 'seconds', seconds: number(form.lifetimeSeconds) } : { mode: form.lifetimeMode },
    refreshCount: form.refreshMode === 'unlimited' ? { mode: 'unlimited' } : noRefreshToken(form) ? { mode: 'limited' } : { mode: 'limited', limit: number(form.refreshLimit) },
    introspection: form.type === 'confidential' && form.introspection,
    idTokenSignedResponseAlg: form.idTokenSignedResponseAlg,
    postLogoutRedirectUris: form.postLogoutRedirectUris.map((uri) => uri.trim()).filter(Boolean),
    tokenExchangeAudiences: form.tokenExchangeAudiences.map((uri) => uri.trim()).filter(Boolean),
    tokenExchangeImpersonation: form.type === 'confidential' && form.tokenExchangeImpersonation,
    tokenEndpointAuthMethod: form.type === 'public' ? 'none' : form.tokenEndpointAuthMethod,
    requirePushedAuthorizationRequests: form.requirePushedAuthorizationRequests,
  };
  const keys = form.type === 'confidential' && form.tokenEndpointAuthMethod === 'private_key_jwt';
  body.jwks = keys && form.keySource === 'inline' ? parsedJwks(form.jwks) : null;
  body.jwksUri = keys && form.keySource === 'uri' ? form.jwksUri.trim() : null;
  if (isNew) body.name = form.name;
  else body.active = form.active;
  return body;
}

/** Add New Client (no clientId) or Edit Client. */
export function ClientFormPage({ clientId }) {
  const isNew = !clientId;
  const loaded = useLoad(() => (isNew ? Promise.resolve(null) : admin.get(`/clients/${encodeURIComponent(clientId)}`)), [clientId]);
  const settings = useLoad(() => admin.get('/settings'), []);
  if (!isNew && loaded.loading && !loaded.data) return html`<${Loading} />`;
  if (!isNew && loaded.error) return html`<section><${PageHeading}>Edit Client<//><${ErrorNotice} error=${loaded.error} /></section>`;
  return html`<${ClientForm} key=${clientId ?? 'new'} client=${loaded.data} onSaved=${loaded.reload} globalLifetime=${settings.data?.accessTokenLifetimeSeconds} />`;
}

/** "Use global setting <3600 seconds>": the value the option stands for, once the settings are read. */
export function globalSettingLabel(seconds) {
  return seconds === undefined || seconds === null ? 'Use global setting' : `Use global setting <${seconds} seconds>`;
}

function ClientForm({ client, onSaved, globalLifetime }) {
  const isNew = !client;
  const [form, setForm] = useState(() => toForm(client));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const [secret, setSecret] = useState(null);
  const [busy, setBusy] = useState(false);
  const { ask, dialog } = useConfirm();
  const set = (patch) => setForm((previous) => ({ ...previous, ...patch }));

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const result = await (isNew ? admin.post('/clients', toBody(form, true)) : admin.patch(`/clients/${encodeURIComponent(client.clientId)}`, toBody(form, false)));
      if (result.clientSecret) setSecret(result.clientSecret);
      setSaved(result);
      // The address now names the client, without a hashchange: the secret stays on screen,
      // a reload shows the Edit Client page (never the secret again), and the links below still
      // navigate (a link to the current address would not).
      if (isNew) history.replaceState(null, '', `#/clients/${encodeURIComponent(result.clientId)}/created`);
      else onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event) => {
    event.preventDefault();
    if (!isNew && client.active && !form.active) {
      ask({
        title: `Deactivate ${clientLabel(client)}?`,
        consequence: 'Every access and refresh token of this client becomes invalid at once. Turning the client back on later does not revive them.',
        confirmLabel: 'Deactivate client',
        action: save,
      });
      return;
    }
    void save();
  };

  if (isNew && saved) {
    return html`<section>
      <${PageHeading}>Client created<//>
      <${Notice}>${clientLabel(saved)} is registered with the client ID <code>${saved.clientId}</code>.<//>
      ${secret && html`<${SecretPanel} secret=${secret} />`}
      <p class="actions">
        <a class="button" href=${`#/clients/${encodeURIComponent(saved.clientId)}/scopes`}>Associate Scopes</a>
        <a class="button secondary" href=${`#/clients/${encodeURIComponent(saved.clientId)}`}>Edit Client</a>
        <a class="button secondary" href="#/clients">Back to Client Registration</a>
      </p>
    </section>`;
  }

  const grants = GRANTS_BY_TYPE[form.type];
  return html`<section>
    <div class="page-head">
      <${PageHeading}>${isNew ? 'Add New Client' : `Edit Client ${clientLabel(client)}`}<//>
      ${!isNew && html`<a class="button secondary" href=${`#/clients/${encodeURIComponent(client.clientId)}/scopes`}>Associate Scopes</a>`}
    </div>
    ${!isNew && html`<${ClientActivity} clientId=${client.clientId} />`}
    ${saved && !isNew && html`<${Notice}>Changes saved.<//>`}
    ${secret && !isNew && html`<${SecretPanel} secret=${secret} />`}
    <${ErrorNotice} error=${error && !(error instanceof ApiError && error.fieldErrors.length) ? error : null} />
    ${error instanceof ApiError && error.fieldErrors.length > 0 && html`<div class="notice error" role="alert">Please correct the fields marked below (${error.message}).</div>`}
    <form onSubmit=${submit} novalidate>
      <${RequiredNote} />
      ${!isNew && html`<fieldset class="readonly">
        <legend>Client</legend>
        <${Field} label="Client ID" name="clientId" value=${client.clientId} readonly />
        <${Field} label="Authorization endpoint" name="authorizationEndpoint" value=${client.endpoints?.authorization} readonly />
        <${Field} label="Token endpoint" name="tokenEndpoint" value=${client.endpoints?.token} readonly />
        <${Field} label="Refresh Token endpoint" name="refreshTokenEndpoint" value=${client.endpoints?.refreshToken} readonly />
      </fieldset>`}
      <${Field} label="Name" name="name" error=${error} value=${form.name} required readonly=${!isNew}
        hint=${isNew ? 'Not changeable later. None of & ( ) \\ ; , / " : \' < >' : 'The name cannot be changed.'} onInput=${(name) => set({ name })} />
      <${Field} label="Description" name="description" error=${error}>
        ${({ id, describedBy }) => html`<textarea id=${id} rows="3" aria-describedby=${describedBy} value=${form.description} onInput=${(e) => set({ description: e.currentTarget.value })}></textarea>`}
      <//>
      <${Field} label="Version" name="version" error=${error} value=${form.version} required onInput=${(version) => set({ version })} />
      <fieldset>
        <legend class="is-required">Type</legend>
        ${['confidential', 'public'].map((type) => html`<label class="choice" key=${type}>
          <input type="radio" name="type" value=${type} checked=${form.type === type} required onChange=${() => set({ type })} />
          ${type === 'confidential' ? 'Confidential (can keep a secret: server-side apps)' : 'Public (cannot keep a secret: browser and native apps, PKCE)'}
        </label>`)}
        ${fieldError(error, 'type') && html`<p class="field-error" role="alert">${fieldError(error, 'type')}</p>`}
      </fieldset>
      <${UriList} field="redirectUris" legend="Redirection URLs" itemLabel="Redirection URL" addLabel="Add URL" hint="Where the authorization server may send the user back. https, or http on localhost only."
        required=${form.grants.some((grant) => REDIRECTING_GRANTS.includes(grant) && grants.includes(grant))}
        uris=${form.redirectUris} error=${error} onChange=${(redirectUris) => set({ redirectUris })} />
      <fieldset>
        <legend class="is-required">Allowed Grants</legend>
        <p class="hint">At least one.</p>
        ${grants.map((grant) => html`<label class="choice" key=${grant}>
          <input type="checkbox" name="grants" value=${grant} checked=${form.grants.includes(grant)}
            onChange=${(e) => set({ grants: e.currentTarget.checked ? [...form.grants, grant] : form.grants.filter((g) => g !== grant) })} />
          ${GRANT_LABELS[grant]}
        </label>`)}
        ${fieldError(error, 'grants') && html`<p class="field-error" role="alert">${fieldError(error, 'grants')}</p>`}
      </fieldset>
      <fieldset>
        <legend>Expiration Interval</legend>
        <p class="hint">How long the client's access tokens are valid.</p>
        ${[['global', globalSettingLabel(globalLifetime)], ['never', 'Never Expires'], ['seconds', 'Expires In']].map(([mode, label]) => html`<label class="choice" key=${mode}>
          <input type="radio" name="lifetimeMode" value=${mode} checked=${form.lifetimeMode === mode} onChange=${() => set({ lifetimeMode: mode })} /> ${label}
        </label>`)}
        ${form.lifetimeMode === 'seconds' && html`<${Field} label="Seconds" name="accessTokenLifetime" error=${error} type="number" min="1" value=${form.lifetimeSeconds} required onInput=${(lifetimeSeconds) => set({ lifetimeSeconds })} />`}
        ${form.lifetimeMode !== 'seconds' && fieldError(error, 'accessTokenLifetime') && html`<p class="field-error" role="alert">${fieldError(error, 'accessTokenLifetime')}</p>`}
      </fieldset>
      <fieldset>
        <legend>Refresh Count</legend>
        <p class="hint">How many times a refresh token may be used (authorization code flow). Limited and empty (or 0): no refresh token.</p>
        ${[['unlimited', 'Unlimited'], ['limited', 'Limited']].map(([mode, label]) => html`<label class="choice" key=${mode}>
          <input type="radio" name="refreshMode" value=${mode} checked=${form.refreshMode === mode} onChange=${() => set({ refreshMode: mode })} /> ${label}
        </label>`)}
        ${form.refreshMode === 'limited' && html`<${Field} label="Number of refreshes" name="refreshCount" error=${error} type="number" min="0" value=${form.refreshLimit}
          placeholder="None" hint=${noRefreshToken(form) ? 'No refresh token: the client gets access tokens only.' : undefined} onInput=${(refreshLimit) => set({ refreshLimit })} />`}
      </fieldset>
      <fieldset>
        <legend>OpenID Connect</legend>
        <${Field} label="ID token signature" name="idTokenSignedResponseAlg" error=${error} hint="How the client's id tokens are signed. RS256 unless the client asks for ES256.">
          ${({ id, describedBy }) => html`<select id=${id} aria-describedby=${describedBy} value=${form.idTokenSignedResponseAlg} onChange=${(e) => set({ idTokenSignedResponseAlg: e.currentTarget.value })}>
            <option value="RS256">RS256</option><option value="ES256">ES256</option>
          </select>`}
        <//>
        <${UriList} field="postLogoutRedirectUris" legend="Logout return URLs" itemLabel="Logout return URL" addLabel="Add logout return URL"
          hint="Where the user may be sent back after signing out (exact match). Same rules as redirection URLs."
          uris=${form.postLogoutRedirectUris} error=${error} onChange=${(postLogoutRedirectUris) => set({ postLogoutRedirectUris })} />
      </fieldset>
      ${form.type === 'confidential' && form.grants.includes(TOKEN_EXCHANGE) && html`<fieldset>
        <legend>Token Exchange</legend>
        <${UriList} field="tokenExchangeAudiences" legend="Exchange audiences" itemLabel="Resource identifier" addLabel="Add audience"
          hint="Registered resources this client may exchange tokens into (RFC 8693). Without any, an exchanged token keeps the subject token's audience."
          uris=${form.tokenExchangeAudiences} error=${error} onChange=${(tokenExchangeAudiences) => set({ tokenExchangeAudiences })} />
        <label class="choice"><input type="checkbox" name="tokenExchangeImpersonation" checked=${form.tokenExchangeImpersonation} onChange=${(e) => set({ tokenExchangeImpersonation: e.currentTarget.checked })} /> Impersonation</label>
        <p class="hint">May exchange a token without an actor token: the new token carries no act claim. Otherwise an actor token is required (delegation).</p>
        ${fieldError(error, 'tokenExchangeImpersonation') && html`<p class="field-error" role="alert">${fieldError(error, 'tokenExchangeImpersonation')}</p>`}
      </fieldset>`}
      ${form.type === 'confidential' && html`<fieldset>
        <legend>Client Authentication</legend>
        <${Field} label="Method" name="tokenEndpointAuthMethod" error=${error} hint="How the client proves who it is at the token, introspection, revocation and PAR endpoints. Any other method is refused.">
          ${({ id, describedBy }) => html`<select id=${id} aria-describedby=${describedBy} value=${form.tokenEndpointAuthMethod} onChange=${(e) => set({ tokenEndpointAuthMethod: e.currentTarget.value })}>
            ${AUTH_METHODS.map(([value, label]) => html`<option key=${value} value=${value}>${label}</option>`)}
          </select>`}
        <//>
        ${form.tokenEndpointAuthMethod === 'private_key_jwt' && html`
          ${[['inline', 'Public keys (JWK Set)'], ['uri', 'JWK Set URL']].map(([source, label]) => html`<label class="choice" key=${source}>
            <input type="radio" name="keySource" value=${source} checked=${form.keySource === source} onChange=${() => set({ keySource: source })} /> ${label}
          </label>`)}
          ${form.keySource === 'inline'
            ? html`<${Field} label="JWK Set" name="jwks" error=${error} hint="Public keys only, as JSON: {&quot;keys&quot;: [...]}">
                ${({ id, describedBy }) => html`<textarea id=${id} aria-describedby=${describedBy} rows="6" value=${form.jwks} onInput=${(e) => set({ jwks: e.currentTarget.value })}></textarea>`}
              <//>`
            : html`<${Field} label="JWK Set URL" name="jwksUri" error=${error} hint="https (or http on a loopback host); fetched and cached by the server." value=${form.jwksUri} onInput=${(jwksUri) => set({ jwksUri })} />`}
        `}
      </fieldset>`}
      <div class="field">
        <label class="choice"><input type="checkbox" name="requirePushedAuthorizationRequests" checked=${form.requirePushedAuthorizationRequests} onChange=${(e) => set({ requirePushedAuthorizationRequests: e.currentTarget.checked })} /> Require pushed authorization requests (PAR)</label>
        <p class="hint">The authorization endpoint then accepts only a request_uri obtained from /oauth/par.</p>
        ${fieldError(error, 'requirePushedAuthorizationRequests') && html`<p class="field-error" role="alert">${fieldError(error, 'requirePushedAuthorizationRequests')}</p>`}
      </div>
      ${form.type === 'confidential' && html`<div class="field">
        <label class="choice"><input type="checkbox" name="introspection" checked=${form.introspection} onChange=${(e) => set({ introspection: e.currentTarget.checked })} /> Token introspection for every client</label>
        <p class="hint">For a resource server: it may introspect the tokens of every client. Without it, a client learns only about its own tokens.</p>
        ${fieldError(error, 'introspection') && html`<p class="field-error" role="alert">${fieldError(error, 'introspection')}</p>`}
      </div>`}
      ${!isNew && html`<div class="field">
        <label class="choice"><input type="checkbox" name="active" checked=${form.active} onChange=${(e) => set({ active: e.currentTarget.checked })} /> Active</label>
        <p class="hint">An inactive client gets no tokens, and all of its tokens are refused.</p>
        ${fieldError(error, 'active') && html`<p class="field-error" role="alert">${fieldError(error, 'active')}</p>`}
      </div>`}
      <div class="actions">
        <button type="submit" disabled=${busy}>${isNew ? 'Create Client' : 'Save Changes'}</button>
        <a class="button secondary" href="#/clients">Cancel</a>
      </div>
    </form>
    ${!isNew && client.type === 'confidential' && html`<${RegenerateSecret} client=${client} ask=${ask} onSecret=${setSecret} />`}
    ${!isNew && html`<${DeleteClient} client=${client} ask=${ask} />`}
    ${dialog}
  </section>`;
}

/** A list of URIs (redirect or post-logout), each checked by the server and its error shown beside it. */
function UriList({ field, legend, itemLabel, addLabel, hint, uris, error, onChange, required = false }) {
  const base = useId(field);
  return html`<fieldset>
    <legend class=${required ? 'is-required' : undefined}>${legend}</legend>
    <p class="hint">${hint}</p>
    ${uris.map((uri, index) => {
      const message = fieldError(error, `${field}[${index}]`) ?? fieldError(error, `${field}.${index}`);
      return html`<div class="uri-row" key=${index}>
        <label class="visually-hidden" for=${`${base}-${index}`}>${itemLabel} ${index + 1}</label>
        <input id=${`${base}-${index}`} type="url" value=${uri} placeholder="https://app.example.com/callback" aria-invalid=${message ? 'true' : undefined}
          required=${required && index === 0} aria-required=${required && index === 0 ? 'true' : undefined}
          onInput=${(e) => onChange(uris.map((u, i) => (i === index ? e.currentTarget.value : u)))} />
        <button type="button" class="secondary" onClick=${() => onChange(uris.length > 1 ? uris.filter((_, i) => i !== index) : [''])}>Remove<span class="visually-hidden"> ${itemLabel} ${index + 1}</span></button>
        ${message && html`<p class="field-error" role="alert">${message}</p>`}
      </div>`;
    })}
    <button type="button" class="secondary" onClick=${() => onChange([...uris, ''])}>${addLabel}</button>
    ${fieldError(error, field) && !error.fieldErrors.some((e) => e.field.startsWith(`${field}[`) || e.field.startsWith(`${field}.`)) && html`<p class="field-error" role="alert">${fieldError(error, field)}</p>`}
  </fieldset>`;
}

/** Shown once: the server keeps only a hash. */
export function SecretPanel({ secret }) {
  const [copied, setCopied] = useState(false);
  const id = useId('secret');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      const input = document.getElementById(id);
      input?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };
  return html`<div class="secret-panel" role="region" aria-labelledby=${`${id}-title`}>
    <h2 id=${`${id}-title`}>Client secret</h2>
    <p class="warning"><strong>Copy the secret now.</strong> It is shown only this once: the server keeps only a hash and cannot show it again. If it is lost, regenerate it.</p>
    <div class="secret-row">
      <label class="visually-hidden" for=${id}>Client secret</label>
      <input id=${id} class="secret" readonly value=${secret} onFocus=${(e) => e.currentTarget.select()} />
      <button type="button" onClick=${copy}>Copy</button>
      <span role="status">${copied ? 'Copied to the clipboard' : ''}</span>
    </div>
  </div>`;
}

function RegenerateSecret({ client, ask, onSecret }) {
  const [overlap, setOverlap] = useState('');
  const [error, setError] = useState(null);
  const regenerate = async () => {
    setError(null);
    try {
      const body = overlap.trim() ? { previousSecretValidForSeconds: Number(overlap) } : {};
      const result = await admin.post(`/clients/${encodeURIComponent(client.clientId)}/secret`, body);
      onSecret(result.clientSecret);
    } catch (caught) {
      setError(caught);
    }
  };
  const submit = (event) => {
    event.preventDefault();
    const seconds = Number(overlap);
    ask({
      title: 'Regenerate the client secret?',
      consequence: overlap.trim() && seconds > 0
        ? `The current secret keeps working for ${seconds} more seconds, then stops. Tokens already issued stay valid.`
        : 'The current secret stops working immediately: deployed apps using it can no longer get tokens. Tokens already issued stay valid.',
      confirmLabel: 'Regenerate Secret',
      action: regenerate,
    });
  };
  return html`<form class="panel" onSubmit=${submit}>
    <h2>Regenerate Secret</h2>
    <${ErrorNotice} error=${error && !fieldError(error, 'previousSecretValidForSeconds') ? error : null} />
    <${Field} label="Keep the old secret valid for (seconds, optional)" name="previousSecretValidForSeconds" error=${error} type="number" min="0"
      value=${overlap} onInput=${setOverlap} hint="So that deployed apps can switch to the new secret without downtime." />
    <button type="submit" class="secondary">Regenerate Secret</button>
  </form>`;
}

function DeleteClient({ client, ask }) {
  const [error, setError] = useState(null);
  const remove = async () => {
    try {
      await admin.delete(`/clients/${encodeURIComponent(client.clientId)}`);
      location.hash = '#/clients';
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div class="panel danger-zone">
    <h2>Delete Client</h2>
    <${ErrorNotice} error=${error} />
    <button type="button" class="danger" onClick=${() => ask({
      title: `Delete ${clientLabel(client)}?`,
      consequence: 'The client, all of its access and refresh tokens, and its scope associations are deleted. Apps using it stop working at once. This cannot be undone.',
      confirmLabel: 'Delete client',
      action: remove,
    })}>Delete Client</button>
  </div>`;
}
