#!/usr/bin/env node
/**
 * `npm run export [-- file.json]` and `npm run import -- file.json [--dry-run]` (docs/import-export.md).
 *
 * Calls the running auth server's admin API (GET /admin/v1/export, POST /admin/v1/import) rather
 * than opening its database: the embedded default's PGlite belongs to the one process that runs
 * it, and the API applies every rule, event and audit row an import needs. Start the server first
 * (`npm start`), then run these in a second terminal.
 *
 *   PORTCULLIS_URL   the auth server (default AUTH_ISSUER, else http://localhost:3000)
 *   ADMIN_USERNAME   an admin (default admin)
 *   ADMIN_PASSWORD   its password (required)
 *
 * Exit status: 0 done (a dry run too, even with conflicts shown), 1 refused (400, 409), 2 usage or connection.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const USAGE = 'usage: npm run export [-- file.json]   |   npm run import -- file.json [--dry-run]';

function fail(message, status = 2) {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

function settings() {
  const password = process.env.ADMIN_PASSWORD;
  if (!password) fail('ADMIN_PASSWORD is required (the admin login the server printed at its first start)');
  const base = (process.env.PORTCULLIS_URL || process.env.AUTH_ISSUER || 'http://localhost:3000').replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${process.env.ADMIN_USERNAME || 'admin'}:${password}`).toString('base64')}`;
  return { base, authorization };
}

async function call(path, init = {}) {
  const { base, authorization } = settings();
  try {
    const response = await fetch(base + path, { ...init, headers: { authorization, ...init.headers } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  } catch (error) {
    return fail(`cannot reach the auth server at ${base}: ${error.cause?.message ?? error.message} (is it running? set PORTCULLIS_URL)`);
  }
}

function printReport(report) {
  for (const row of report.rows) {
    const where = row.index === null ? row.section : `${row.section}[${row.index}]`;
    const detail = row.changes ? ` (${row.changes.join(', ')})` : row.reason ? `: ${row.reason}` : '';
    process.stdout.write(`${row.action.padEnd(9)} ${where} ${row.key}${detail}\n`);
  }
  const counts = Object.entries(report.summary).map(([action, n]) => `${n} ${action}`).join(', ');
  process.stdout.write(`${report.dryRun ? 'dry run, nothing written' : report.applied ? 'imported' : 'nothing written'}: ${counts}\n`);
}

async function exportTo(file) {
  const { status, body } = await call('/admin/v1/export');
  if (status !== 200) fail(`export refused (${status}): ${body?.detail ?? JSON.stringify(body)}`, 1);
  const text = `${JSON.stringify(body, null, 2)}\n`;
  if (!file) return void process.stdout.write(text);
  writeFileSync(file, text, { mode: 0o600 });
  process.stderr.write(`exported ${body.clients.length} clients, ${body.scopes.length} scopes, ${body.users.length} users, ${body.resources.length} resources to ${file}\n`);
}

async function importFrom(file, dryRun) {
  if (!file) fail(USAGE);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${error.message}`);
  }
  const { status, body } = await call(`/admin/v1/import${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  if (status === 200) return printReport(body);
  if (body?.report) printReport(body.report);
  process.stderr.write(`import refused (${status}): ${body?.detail ?? JSON.stringify(body)}\n`);
  for (const error of status === 400 ? (body?.errors ?? []) : []) process.stderr.write(`  ${error.field}: ${error.message}\n`);
  process.exit(1);
}

const [command, ...rest] = process.argv.slice(2);
const dryRun = rest.includes('--dry-run');
const [file] = rest.filter((arg) => arg !== '--dry-run');
if (command === 'export') await exportTo(file);
else if (command === 'import') await importFrom(file, dryRun);
else fail(USAGE);
