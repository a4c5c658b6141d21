// Audit Trail: GET /admin/v1/audit with its filters and cursor paging; before/after shown as the fields that changed.
import { useState } from 'preact/hooks';
import { admin, query } from './api.js';
import { EmptyState, ErrorNotice, Field, formatDate, html, Loading, PageHeading, Pager, useLoad, usePager } from './ui.js';

export const AUDIT_ACTIONS = [
  'client.created', 'client.updated', 'client.deleted', 'client.secret.rotated', 'client.scopes.associated', 'client.scope.associated',
  'client.scope.dissociated', 'client.tokens.revoked', 'scope.created', 'scope.updated', 'scope.deleted', 'user.created', 'user.updated',
  'user.deleted', 'settings.updated', 'keys.rotated', 'login.succeeded', 'login.failed', 'token.issued', 'token.refreshed', 'token.revoked',
  'token.reuse_detected', 'token.dpop_refused', 'introspection.throttled', 'sync.consumer_group.removed',
];
/** Bookkeeping that changes with every write: noise in a compact diff (the full record keeps it). */
const UNINTERESTING = new Set(['updatedAt', 'endpoints']);
const ADMIN_KEYS = new Set(['method', 'route', 'status', 'change', 'before', 'after']);
const MAX_VALUE = 80;

/** A value on one line, cut short: the full record is one click away. */
function compact(value) {
  const text = value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** [key, before, after] for every field that differs. */
export function changedFields(before, after) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => !UNINTERESTING.has(key));
  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => [key, before[key], after[key]]);
}

function FieldList({ entries }) {
  return html`<ul class="audit-fields">${entries.map(([key, value]) => html`<li key=${key}><span class="audit-key">${key}</span> ${compact(value)}</li>`)}</ul>`;
}

/** What the event did, in a few lines: changed fields for an update, the gone record for a delete, the rest of the details otherwise. */
function Summary({ details }) {
  const { before, after } = details;
  const asked = isObject(details.change) ? Object.entries(details.change) : [];
  if (isObject(before) && isObject(after)) {
    const changes = changedFields(before, after);
    // A secret rotation changes no field one may see: what was asked for says what happened.
    if (changes.length === 0) return asked.length ? html`<${FieldList} entries=${asked} />` : html`<span class="muted">no field changed</span>`;
    return html`<ul class="audit-fields">${changes.map(([key, from, to]) => html`<li key=${key}>
      <span class="audit-key">${key}</span> <del>${compact(from)}</del> → <ins>${compact(to)}</ins>
    </li>`)}</ul>`;
  }
  if (isObject(before) && after === null) return html`<div><strong>Deleted</strong><${FieldList} entries=${pick(before)} /></div>`;
  if (before === null && isObject(after)) return html`<div><strong>Created</strong><${FieldList} entries=${pick(after)} /></div>`;
  if (before === null) return html`<span class="muted">no such target</span>`;
  if (asked.length > 0) return html`<${FieldList} entries=${asked} />`;
  const rest = Object.entries(details).filter(([key]) => !ADMIN_KEYS.has(key));
  return rest.length ? html`<${FieldList} entries=${rest} />` : html`<span class="muted">—</span>`;
}

/** A deleted record by the fields that say which it was. */
function pick(record) {
  const names = ['clientId', 'name', 'version', 'username', 'id', 'description', 'match', 'upstream'];
  const picked = names.filter((key) => record[key] !== undefined && record[key] !== '').map((key) => [key, record[key]]);
  return picked.length ? picked : Object.entries(record).slice(0, 4);
}

/** One event as a table row (the resource server's page shows its own trail with it too). */
export function AuditRow({ event }) {
  const { details } = event;
  return html`<tr>
    <td data-label="When">${formatDate(event.occurredAt)}</td>
    <td data-label="Action" class="audit-action"><code>${event.action}</code>${typeof details.status === 'number' && details.status >= 400 ? html` <span class="audit-status">${details.status}</span>` : null}</td>
    <td data-label="Actor">${event.actor ?? html`<span class="muted">anonymous</span>`}${event.actor && event.actorType !== 'user' ? html` <span class="muted">(${event.actorType})</span>` : null}${event.clientId && event.clientId !== event.actor ? html` <span class="muted">via ${event.clientId}</span>` : null}</td>
    <td data-label="Target">${event.targetType ? html`<span class="muted">${event.targetType}</span> ` : null}${event.targetId ? html`<code>${event.targetId}</code>` : null}</td>
    <td data-label="Change">
      <${Summary} details=${details} />
      <details class="audit-record"><summary>Full record<span class="visually-hidden"> of ${event.action} at ${formatDate(event.occurredAt)}</span></summary>
        <pre>${JSON.stringify({ ...details, ip: event.ip, requestId: event.requestId }, null, 2)}</pre>
      </details>
    </td>
  </tr>`;
}

/** A datetime-local value (local time) as the ISO 8601 instant the API filters on. */
function toInstant(local) {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function AuditPage() {
  const initial = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const empty = { action: '', actor: '', targetId: initial.get('targetId') ?? '', since: '', until: '' };
  const [draft, setDraft] = useState(empty);
  const [filter, setFilter] = useState(draft);
  const pager = usePager();
  const { data, error, loading } = useLoad(
    () =>
      admin.get(`/audit${query({ action: filter.action, actor: filter.actor.trim(), targetId: filter.targetId.trim(), since: toInstant(filter.since), until: toInstant(filter.until), limit: '25', cursor: pager.cursor })}`),
    [filter, pager.cursor],
  );
  const set = (key) => (value) => setDraft({ ...draft, [key]: value });
  const apply = (event) => {
    event.preventDefault();
    pager.reset();
    setFilter(draft);
  };

  return html`<section>
    <${PageHeading}>Audit Trail<//>
    <p class="muted">Who changed what, logins and tokens; newest first. Secrets, passwords and hashes are never recorded.</p>
    <form class="filters" onSubmit=${apply} role="search" aria-label="Filter audit events">
      <${Field} label="Action" name="filter-action">
        ${({ id }) => html`<select id=${id} value=${draft.action} onChange=${(e) => set('action')(e.currentTarget.value)}>
          <option value="">All actions</option>
          ${AUDIT_ACTIONS.map((action) => html`<option key=${action} value=${action}>${action}</option>`)}
        </select>`}
      <//>
      <${Field} label="Actor" name="filter-actor" value=${draft.actor} onInput=${set('actor')} />
      <${Field} label="Target id" name="filter-target" value=${draft.targetId} onInput=${set('targetId')} />
      <${Field} label="Since" name="filter-since" type="datetime-local" value=${draft.since} onInput=${set('since')} />
      <${Field} label="Until" name="filter-until" type="datetime-local" value=${draft.until} onInput=${set('until')} />
      <button type="submit">Show events</button>
    </form>
    <${ErrorNotice} error=${error} />
    ${loading && !data ? html`<${Loading} />` : data && html`<div class="table-wrap"><table class="audit">
      <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Target</th><th scope="col">Change</th></tr></thead>
      <tbody>
        ${data.items.length === 0 && html`<${EmptyState} columns=${5} title="No events.">Nothing matches these filters: clear Action, Actor or Target id, or widen the time range, then Show events.<//>`}
        ${data.items.map((event) => html`<${AuditRow} key=${event.id} event=${event} />`)}
      </tbody>
    </table></div>
    <${Pager} pager=${pager} nextCursor=${data.nextCursor} label="Audit" />`}
  </section>`;
}
