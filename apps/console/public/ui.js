// Shared pieces: the htm tag, labelled fields with their inline errors, confirmation dialogs,
// paging, and the data-loading hook every page uses.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { fieldError } from './api.js';

export const html = htm.bind(h);

let nextId = 0;
/** A stable id tying a label and an error message to their input. */
export function useId(prefix) {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

/**
 * A labelled input with its hint and the server's message for that field (aria-describedby, so a
 * screen reader reads the error with the input).
 */
export function Field({ label, name, error, hint, children, type = 'text', value, onInput, required, ...rest }) {
  const id = useId(name ?? 'field');
  const message = fieldError(error, name);
  const describedBy = [hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  // A render-prop input gets `required` to set on itself, as it gets its id.
  const input = children
    ? children({ id, describedBy, invalid: Boolean(message), required })
    : html`<input id=${id} name=${name} type=${type} value=${value ?? ''} aria-describedby=${describedBy} aria-invalid=${message ? 'true' : undefined}
        required=${required} aria-required=${required ? 'true' : undefined} onInput=${(event) => onInput?.(event.currentTarget.value)} ...${rest} />`;
  return html`<div class="field">
    <label for=${id} class=${required ? 'is-required' : undefined}>${label}</label>
    ${input}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${message && html`<p class="field-error" id=${`${id}-error`} role="alert">${message}</p>`}
  </div>`;
}

/**
 * Required fields: class "is-required" on a label or legend draws a red * after it (console.css;
 * generated content, so it is not part of the label's text and screen readers announce the input's
 * own required state instead). RequiredNote explains the mark once per form.
 */
export function RequiredNote() {
  return html`<p class="hint required-note">Fields marked <span class="required-mark">*</span> are required.</p>`;
}

/** The error of a whole request: its title and detail; field errors show beside their inputs. */
export function ErrorNotice({ error }) {
  if (!error) return null;
  const text = error instanceof Error ? error.message : String(error);
  return html`<div class="notice error" role="alert">${text}</div>`;
}

export function Notice({ children, kind = 'success' }) {
  return html`<div class=${`notice ${kind}`} role="status">${children}</div>`;
}

/**
 * A modal confirmation (native <dialog>: focus is trapped, Escape cancels). `consequence` says
 * what happens, to tokens in particular.
 */
export function ConfirmDialog({ title, consequence, confirmLabel, onConfirm, onCancel }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" onCancel=${(event) => { event.preventDefault(); onCancel(); }}>
    <h2 id="confirm-title">${title}</h2>
    <p>${consequence}</p>
    <div class="actions">
      <button type="button" class="secondary" onClick=${onCancel} autofocus>Cancel</button>
      <button type="button" class="danger" onClick=${onConfirm}>${confirmLabel}</button>
    </div>
  </dialog>`;
}

/**
 * Asks before a destructive action: `ask({title, consequence, confirmLabel, action})` opens the
 * dialog; the action runs only on confirmation. Render `dialog` somewhere in the page.
 */
export function useConfirm() {
  const [pending, setPending] = useState(null);
  const ask = useCallback((request) => setPending(request), []);
  const dialog = pending
    ? html`<${ConfirmDialog} ...${pending}
        onCancel=${() => setPending(null)}
        onConfirm=${() => { setPending(null); pending.action(); }} />`
    : null;
  return { ask, dialog };
}

/**
 * Loads data for a page; `reload()` fetches again. Returns {data, error, loading, reload}.
 * @param {() => Promise<any>} load
 * @param {unknown[]} deps
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/**
 * A page's actions (delete, end, revoke…): each clears the last outcome, runs, then shows its
 * success message and reloads what it changed, or shows the error. Returns
 * {message, setMessage, actionError, setActionError, act}; `act(work, done, reload, setError?)` runs now
 * (`setError`: where a failure shows, the page's action error by default).
 */
export function useActions() {
  const [message, setMessage] = useState(null);
  const [actionError, setActionError] = useState(null);
  const act = async (work, done, reload, setError = setActionError) => {
    setActionError(null);
    setMessage(null);
    try {
      await work();
      setMessage(done);
      reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return { message, setMessage, actionError, setActionError, act };
}

/**
 * Cursor paging over a list endpoint: keeps the cursors of the pages seen so that "Previous"
 * works although the API only gives the next cursor.
 */
export function usePager() {
  const [cursors, setCursors] = useState([undefined]);
  const cursor = cursors[cursors.length - 1];
  return {
    cursor,
    page: cursors.length,
    reset: () => setCursors([undefined]),
    next: (nextCursor) => setCursors((list) => [...list, nextCursor]),
    previous: () => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)),
  };
}

export function Pager({ pager, nextCursor, label }) {
  if (pager.page === 1 && !nextCursor) return null;
  return html`<nav class="pager" aria-label=${`${label} pages`}>
    <button type="button" class="secondary" disabled=${pager.page === 1} onClick=${pager.previous}>Previous page</button>
    <span>Page ${pager.page}</span>
    <button type="button" class="secondary" disabled=${!nextCursor} onClick=${() => pager.next(nextCursor)}>Next page</button>
  </nav>`;
}

export function Loading({ what = 'Loading…' }) {
  return html`<p class="loading" role="status">${what}</p>`;
}

/** A date for people: local date and time, or a dash. */
export function formatDate(value) {
  return value ? new Date(value).toLocaleString() : '—';
}

/** Moves the focus to the page heading after navigation, so keyboard and screen reader users start there. */
export function PageHeading({ children }) {
  const ref = useRef(null);
  useEffect(() => ref.current?.focus(), []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}
