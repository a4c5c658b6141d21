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

/** What can take the focus inside an element, in tab order (no positive tabindex is used here). */
function focusables(root) {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  return [...root.querySelectorAll(selector)].filter((element) => !element.disabled && element.getClientRects().length > 0);
}

/**
 * Tab and Shift+Tab go round the dialog's controls: a modal dialog makes the page behind inert,
 * but Chromium still lets the focus leave for the browser's own controls past the last one.
 */
function keepFocusIn(dialog, event) {
  if (event.key !== 'Tab') return;
  const controls = focusables(dialog);
  if (controls.length === 0) return;
  const [first, last] = [controls[0], controls[controls.length - 1]];
  const outside = !dialog.contains(document.activeElement);
  if (event.shiftKey && (document.activeElement === first || outside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || outside)) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * Gives the focus back to what opened a dialog; when that is gone (its row was deleted), to the
 * page heading, so that the next Tab continues in the page rather than at the document's start.
 */
function returnFocus(opener) {
  const target = opener instanceof HTMLElement && opener.isConnected && opener !== document.body ? opener : document.querySelector('main h1');
  target?.focus();
}

/**
 * A modal confirmation (native <dialog>: the page behind is inert, Tab stays inside, Escape
 * cancels, and the focus returns to the control that opened it). `consequence` says what
 * happens, to tokens in particular.
 */
export function ConfirmDialog({ title, consequence, confirmLabel, onConfirm, onCancel }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      // While it is open the page is inert and cannot take the focus back: close it first.
      if (dialog?.open) dialog.close();
      returnFocus(opener);
    };
  }, []);
  return html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" onKeyDown=${(event) => keepFocusIn(ref.current, event)}
    onCancel=${(event) => { event.preventDefault(); onCancel(); }}>
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

/**
 * Holds the place of what is loading. It keeps a list's usual height, and what follows it in the
 * page waits (console.css): content that appears is no layout shift, content pushed down is.
 */
export function Loading({ what = 'Loading…' }) {
  return html`<p class="loading" role="status">${what}</p>`;
}

/**
 * An empty list: what it would hold (`title`), and in `children` what to do next, with a link or
 * button to do it when there is one. In a table, `columns` makes it one full-width row.
 */
export function EmptyState({ title, children, columns }) {
  const body = html`<div class="empty-state">
    <p class="empty-state-title">${title}</p>
    ${children && html`<p>${children}</p>`}
  </div>`;
  return columns ? html`<tr class="empty-row"><td colspan=${columns}>${body}</td></tr>` : body;
}

/** A date for people: local date and time, or a dash. */
export function formatDate(value) {
  return value ? new Date(value).toLocaleString() : '—';
}

/** Page headings shown since the console was loaded. */
let headingsShown = 0;

/**
 * Moves the focus to the page heading after a navigation inside the console, so that keyboard and
 * screen reader users start there. The first page of a load leaves the focus at the document's
 * start, where the skip link is the first Tab stop.
 */
export function PageHeading({ children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (headingsShown++ > 0) ref.current?.focus();
  }, []);
  return html`<h1 tabindex="-1" ref=${ref}>${children}</h1>`;
}
