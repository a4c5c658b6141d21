import type { SchemaObject } from '#operability';
import { SETTINGS_VIEW } from '../openapi/schemas.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-format.js';

/** OpenAPI shapes of the export file and the import report (docs/import-export.md has the full text). */
const string: SchemaObject = { type: 'string' };
const strings: SchemaObject = { type: 'array', items: string };
const row = (description: string): SchemaObject => ({ type: 'object', description, additionalProperties: true });

export const EXPORT_DOCUMENT: SchemaObject = {
  type: 'object',
  required: ['format', 'version'],
  properties: {
    format: { type: 'string', enum: [EXPORT_FORMAT] },
    version: { type: 'integer', enum: [EXPORT_VERSION], description: 'a reader refuses versions it does not know' },
    exportedAt: { type: 'string', format: 'date-time' },
    exportedBy: { type: 'string', description: 'the issuer that wrote the file (information only)' },
    settings: SETTINGS_VIEW,
    scopes: { type: 'array', items: row('name, description, requiredPermission') },
    clients: {
      type: 'array',
      items: row('the fields of POST /admin/v1/clients, plus clientId, scopes (the associations), and secret (in the clear, import only) or secretHash (from an export)'),
    },
    users: { type: 'array', items: row('username, permissions, active, profile, passwordHash (scrypt, or null)') },
    resources: { type: 'array', items: row('identifier, name, scopes, accessTokenLifetimeSeconds, clientId') },
  },
};

export const IMPORT_REPORT: SchemaObject = {
  type: 'object',
  required: ['dryRun', 'applied', 'summary', 'rows'],
  properties: {
    dryRun: { type: 'boolean' },
    applied: { type: 'boolean', description: 'true only when the import was written' },
    summary: {
      type: 'object',
      properties: { create: { type: 'integer' }, update: { type: 'integer' }, unchanged: { type: 'integer' }, conflict: { type: 'integer' }, skipped: { type: 'integer' } },
    },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['section', 'index', 'key', 'action'],
        properties: {
          section: { type: 'string', enum: ['settings', 'scopes', 'clients', 'users', 'resources'] },
          index: { type: ['integer', 'null'], description: 'position in its section of the file; null for settings' },
          key: string,
          action: { type: 'string', enum: ['create', 'update', 'unchanged', 'conflict', 'skipped'] },
          changes: { ...strings, description: 'update: the fields that change' },
          reason: { type: 'string', description: 'conflict, skipped: why' },
        },
      },
    },
  },
};
