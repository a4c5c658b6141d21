// The Import / Export page: download the registry as a file, and bring a file in (dry run first,
// then the import in one transaction). The format: docs/import-export.md.
import { useState } from 'preact/hooks';
import { admin, ApiError } from './api.js';
import { ErrorNotice, html, Notice, PageHeading, useId } from './ui.js';

const ACTION_LABELS = { create: 'Create', update: 'Update', unchanged: 'Unchanged', conflict: 'Conflict', skipped: 'Skipped' };

/** Saves JSON as a file the browser downloads. */
function download(document, name) {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: 'application/json' }));
  const link = Object.assign(window.document.createElement('a'), { href: url, download: name });
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The counts of a report in words: "2 to create, 1 unchanged" before, "2 created, 1 unchanged" after. */
const PLANNED = { create: 'to create', update: 'to update', unchanged: 'unchanged', conflict: 'in conflict', skipped: 'skipped' };
const DONE = { create: 'created', update: 'updated', unchanged: 'unchanged', conflict: 'in conflict', skipped: 'skipped' };
function summaryText(summary, words) {
  return Object.entries(summary)
    .filter(([, count]) => count > 0)
    .map(([action, count]) => `${count} ${words[action]}`)
    .join(', ') || 'no rows';
}

/** What the import does (or would do) with each row of the file. */
function ReportTable({ report, caption }) {
  return html`<div class="table-wrap"><table>
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">Section</th><th scope="col">Row</th><th scope="col">Key</th><th scope="col">Action</th><th scope="col">Details</th></tr></thead>
    <tbody>
      ${report.rows.length === 0 && html`<tr><td colspan="5">The file has no rows.</td></tr>`}
      ${report.rows.map((row) => html`<tr key=${`${row.section}-${row.index}`}>
        <td data-label="Section">${row.section}</td>
        <td data-label="Row">${row.index === null ? '—' : row.index + 1}</td>
        <td data-label="Key"><code>${row.key}</code></td>
        <td data-label="Action"><strong>${ACTION_LABELS[row.action]}</strong></td>
        <td data-label="Details">${row.changes ? `Changes ${row.changes.join(', ')}` : (row.reason ?? '')}</td>
      </tr>`)}
    </tbody>
  </table></div>`;
}

export function ImportExportPage() {
  const fileInput = useId('import-file');
  const [exportError, setExportError] = useState(null);
  const [exporting, setExporting] = useState(false);
  /** The chosen file: its name and parsed content. */
  const [chosen, setChosen] = useState(null);
  const [dryRun, setDryRun] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const exportNow = async () => {
    setExportError(null);
    setExporting(true);
    try {
      const document = await admin.get('/export');
      download(document, `portcullis-export-${document.exportedAt.slice(0, 10)}.json`);
    } catch (caught) {
      setExportError(caught);
    } finally {
      setExporting(false);
    }
  };

  const choose = async (event) => {
    const file = event.currentTarget.files?.[0];
    setChosen(null);
    setDryRun(null);
    setResult(null);
    setError(null);
    if (!file) return;
    let content;
    try {
      content = JSON.parse(await file.text());
    } catch {
      setError(new Error(`${file.name} is not a JSON file.`));
      return;
    }
    setChosen({ name: file.name, content });
    setBusy(true);
    try {
      setDryRun(await admin.post('/import?dryRun=true', content));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const importNow = async () => {
    setError(null);
    setBusy(true);
    try {
      setResult(await admin.post('/import', chosen.content));
      setDryRun(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const conflicts = dryRun?.summary.conflict ?? 0;
  const writes = dryRun ? dryRun.summary.create + dryRun.summary.update : 0;
  return html`<section>
    <${PageHeading}>Import / Export<//>
    <p class="muted">Move clients, with their client IDs and secrets, scopes and associations, users, resources and settings between installations, or from another product. Secrets never leave the server in the clear: an export carries their hashes, which work on any Portcullis.</p>

    <div class="panel">
      <h2>Export</h2>
      <p>Downloads everything as one JSON file. It holds secret and password hashes: keep it like a secret.</p>
      <${ErrorNotice} error=${exportError} />
      <button type="button" onClick=${exportNow} disabled=${exporting}>${exporting ? 'Exporting…' : 'Download export'}</button>
    </div>

    <div class="panel">
      <h2>Import</h2>
      <p>Choose a file: a dry run shows what each row would do. Nothing is written until you import, and then all of it or none.</p>
      <div class="field">
        <label for=${fileInput}>Export file</label>
        <input id=${fileInput} type="file" accept="application/json,.json" onChange=${choose} aria-describedby=${`${fileInput}-hint`} />
        <p class="hint" id=${`${fileInput}-hint`}>A Portcullis export, or a file in its format (format "portcullis-export", version 1).</p>
      </div>
      ${busy && html`<p class="loading" role="status">Working…</p>`}
      ${error && html`<${ErrorNotice} error=${error} />`}
      ${error instanceof ApiError && error.fieldErrors.length > 0 && html`<ul>${error.fieldErrors.map((e) => html`<li key=${e.field}><code>${e.field}</code>: ${e.message}</li>`)}</ul>`}
    </div>

    ${dryRun && html`<section aria-labelledby="dry-run-heading">
      <h2 id="dry-run-heading">Dry run of ${chosen.name}</h2>
      <p role="status">${conflicts > 0 ? `Nothing can be imported: ${conflicts} ${conflicts === 1 ? 'row conflicts' : 'rows conflict'} with this server.` : `Ready to import: ${summaryText(dryRun.summary, PLANNED)}.`}</p>
      <${ReportTable} report=${dryRun} caption="What the import would do with each row" />
      <p>
        <button type="button" onClick=${importNow} disabled=${busy || conflicts > 0 || writes === 0}>Import ${writes} ${writes === 1 ? 'row' : 'rows'}</button>
        ${conflicts > 0 && html` <span class="muted">Fix the conflicting rows in the file, then choose it again.</span>`}
        ${conflicts === 0 && writes === 0 && html` <span class="muted">The server already holds everything in this file.</span>`}
      </p>
    </section>`}

    ${result && html`<section aria-labelledby="result-heading">
      <h2 id="result-heading">Imported ${chosen.name}</h2>
      <${Notice}>Import done: ${summaryText(result.summary, DONE)}. <a href="#/clients">See the clients</a>.<//>
      <${ReportTable} report=${result} caption="What the import did with each row" />
    </section>`}
  </section>`;
}
