// The resource server's route table (GET|POST /admin/v1/routes, PATCH|DELETE /admin/v1/routes/{id}):
// routes from RESOURCE_ROUTES_FILE are shown read-only, the ones added here can be edited and deleted.
import { useState } from 'preact/hooks';
import { request } from './api.js';
import { EmptyState, ErrorNotice, Field, html, Notice, RequiredNote, useConfirm } from './ui.js';

const EMPTY = { pathPrefix: '', methods: '', upstream: '', stripPrefix: false, access: 'allOf', scopes: '', timeoutMs: '', websocket: false, clientBasic: false };

const words = (text) => text.split(/[\s,]+/).filter(Boolean);

/** "Public", "Any valid token", "All of: a b", "Any of: a b". */
export function describeScopes(scopes) {
  if (scopes === 'public') return 'Public';
  if ('allOf' in scopes) return scopes.allOf.length === 0 ? 'Any valid token' : `All of: ${scopes.allOf.join(' ')}`;
  return `Any of: ${scopes.anyOf.join(' ')}`;
}

function formOf(route) {
  const access = route.scopes === 'public' ? 'public' : 'allOf' in route.scopes ? 'allOf' : 'anyOf';
  return {
    pathPrefix: route.match.pathPrefix,
    methods: (route.match.methods ?? []).filter((method) => method !== 'HEAD' || !route.match.methods.includes('GET')).join(' '),
    upstream: route.upstream,
    stripPrefix: route.stripPrefix,
    access,
    scopes: access === 'public' ? '' : (route.scopes[access] ?? []).join(' '),
    timeoutMs: String(route.timeoutMs),
    websocket: route.websocket,
    clientBasic: route.clientBasic ?? false,
  };
}

/** The route-file shape the API validates; on an edit, emptied optional fields go back to their defaults (null). */
function bodyOf(form, editing) {
  const methods = words(form.methods.toUpperCase());
  const match = methods.length ? { pathPrefix: form.pathPrefix.trim(), methods } : { pathPrefix: form.pathPrefix.trim() };
  const timeout = form.timeoutMs.trim();
  return {
    match,
    upstream: form.upstream.trim(),
    stripPrefix: form.stripPrefix,
    scopes: form.access === 'public' ? 'public' : { [form.access]: words(form.scopes) },
    websocket: form.websocket,
    // A public route takes no credentials (the API refuses the pair): the box is hidden and off there.
    clientBasic: form.access !== 'public' && form.clientBasic,
    ...(timeout ? { timeoutMs: /^\d+$/.test(timeout) ? Number(timeout) : timeout } : editing ? { timeoutMs: null } : {}),
  };
}

function RouteForm({ base, route, onDone, onCancel }) {
  const [form, setForm] = useState(route ? formOf(route) : EMPTY);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (changes) => setForm({ ...form, ...changes });
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const saved = route
        ? await request('PATCH', `${base}/admin/v1/routes/${encodeURIComponent(route.id)}`, bodyOf(form, true))
        : await request('POST', `${base}/admin/v1/routes`, bodyOf(form, false));
      onDone(saved, route ? 'changed' : 'added');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="route-form" onSubmit=${submit} aria-label=${route ? `Edit route ${route.match.pathPrefix}` : 'Add a route'}>
    <h3>${route ? `Edit route ${route.match.pathPrefix}` : 'Add a route'}</h3>
    <${RequiredNote} />
    <${ErrorNotice} error=${error} />
    <${Field} label="Path prefix" name="match.pathPrefix" error=${error} value=${form.pathPrefix} onInput=${(value) => set({ pathPrefix: value })}
      hint="Whole path segments: /billing covers /billing and /billing/x, not /billingx." required />
    <${Field} label="Methods" name="match.methods" error=${error} value=${form.methods} onInput=${(value) => set({ methods: value })}
      hint="Space-separated, e.g. GET POST; empty for every method. GET allows HEAD." />
    <${Field} label="Upstream" name="upstream" error=${error} value=${form.upstream} onInput=${(value) => set({ upstream: value })}
      hint="Where admitted requests go, e.g. http://127.0.0.1:8080" required />
    <${Field} label="Who may call" name="scopes-rule">
      ${({ id, describedBy }) => html`<select id=${id} aria-describedby=${describedBy} value=${form.access} onChange=${(e) => set({ access: e.currentTarget.value })}>
        <option value="allOf">A token with all of these scopes</option>
        <option value="anyOf">A token with any of these scopes</option>
        <option value="public">Anyone (public, no token)</option>
      </select>`}
    <//>
    ${form.access !== 'public' && html`<${Field} label="Scopes" name="scopes" error=${error} value=${form.scopes} onInput=${(value) => set({ scopes: value })}
      hint=${form.access === 'allOf' ? 'Space-separated; none: any valid token.' : 'Space-separated; at least one.'} />`}
    <${Field} label="Timeout (ms)" name="timeoutMs" error=${error} value=${form.timeoutMs} onInput=${(value) => set({ timeoutMs: value })} hint="Empty: 30000." inputmode="numeric" />
    <label class="choice"><input type="checkbox" checked=${form.stripPrefix} onChange=${(e) => set({ stripPrefix: e.currentTarget.checked })} /> Strip the prefix before the upstream</label>
    <label class="choice"><input type="checkbox" checked=${form.websocket} onChange=${(e) => set({ websocket: e.currentTarget.checked })} /> WebSocket upgrades</label>
    ${form.access !== 'public' && html`<label class="choice"><input type="checkbox" name="clientBasic" aria-describedby="route-client-basic-hint" checked=${form.clientBasic}
        onChange=${(e) => set({ clientBasic: e.currentTarget.checked })} /> Also accept client credentials (HTTP Basic: client id and secret)</label>
      <p class="hint" id="route-client-basic-hint">For confidential clients that cannot fetch tokens; checked at the auth server. Bearer tokens are better (README, "Client credentials on gateway routes").</p>`}
    <div class="actions">
      <button type="submit" disabled=${busy}>${route ? 'Save route' : 'Add route'}</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </div>
  </form>`;
}

export function RoutesSection({ base, routes, onChanged }) {
  const [editing, setEditing] = useState(null);
  const [message, setMessage] = useState(null);
  const [actionError, setActionError] = useState(null);
  const { ask, dialog } = useConfirm();
  const done = (route, verb) => {
    setEditing(null);
    setMessage(`Route ${route.match.pathPrefix} ${verb}.`);
    onChanged();
  };
  const remove = (route) =>
    ask({
      title: `Delete route ${route.match.pathPrefix}?`,
      consequence: 'The gateway and /auth/verify stop serving this prefix at once (404), at every instance within a second.',
      confirmLabel: 'Delete route',
      action: async () => {
        setActionError(null);
        try {
          await request('DELETE', `${base}/admin/v1/routes/${encodeURIComponent(route.id)}`);
          done(route, 'deleted');
        } catch (caught) {
          setActionError(caught);
        }
      },
    });

  return html`<div>
    <div class="page-head">
      <h2>Routes</h2>
      ${editing === null && html`<button type="button" onClick=${() => { setMessage(null); setEditing('new'); }}>Add route</button>`}
    </div>
    <p class="muted">Requests under these prefixes are decided here (gateway, <code>/auth/verify</code>). Routes from the routes file are changed in the file.</p>
    ${message && html`<${Notice}>${message}<//>`}
    <${ErrorNotice} error=${actionError} />
    ${editing !== null && html`<${RouteForm} key=${editing === 'new' ? 'new' : editing.id} base=${base} route=${editing === 'new' ? null : editing} onDone=${done} onCancel=${() => setEditing(null)} />`}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Path prefix</th><th scope="col">Methods</th><th scope="col">Upstream</th><th scope="col">Who may call</th><th scope="col">Source</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${routes.length === 0 && html`<${EmptyState} columns=${6} title="No route yet: paths not served by the resource server itself answer 404.">Add route puts an upstream behind a scope rule; routes can also come from the file named by RESOURCE_ROUTES_FILE.<//>`}
        ${routes.map((route) => html`<tr key=${route.id}>
          <td data-label="Path prefix"><code>${route.match.pathPrefix}</code></td>
          <td data-label="Methods">${route.match.methods ? route.match.methods.join(' ') : 'All'}</td>
          <td data-label="Upstream"><code>${route.upstream}</code>${route.stripPrefix ? html` <span class="muted">(prefix stripped)</span>` : null}</td>
          <td data-label="Who may call">${describeScopes(route.scopes)}${route.clientBasic ? html` <span class="muted">(or client id and secret)</span>` : null}</td>
          <td data-label="Source">${route.source === 'file' ? 'Routes file' : 'Added here'}</td>
          <td class="row-actions">${route.source === 'file'
            ? html`<span class="muted">read-only</span>`
            : html`<button type="button" class="secondary" onClick=${() => { setMessage(null); setEditing(route); }}>Edit<span class="visually-hidden"> route ${route.match.pathPrefix}</span></button>
                <button type="button" class="danger" onClick=${() => remove(route)}>Delete<span class="visually-hidden"> route ${route.match.pathPrefix}</span></button>`}</td>
        </tr>`)}
      </tbody>
    </table></div>
    ${dialog}
  </div>`;
}
