import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { MAX_INPUT_DEPTH, nestingDepth, ValidationProblem, type FieldError } from '#errors';
import { clientShapeErrors } from '../clients/client-rules.js';
import type { ClientFields } from '../clients/client-writes.repository.js';
import type { CreateResourceDto } from '../resources/dto/create-resource.dto.js';
import type { CreateScopeDto } from '../scopes/dto/create-scope.dto.js';
import type { UpdateSettingsBody } from '../settings/update-settings.body.js';
import { ImportDocumentDto } from './dto/import-document.dto.js';
import type { ImportedClientDto } from './dto/imported-client.dto.js';
import type { ImportedUserDto } from './dto/imported-user.dto.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export-format.js';

/** A file that passed every rule that needs no database: each section present (possibly empty). */
export interface ImportDocument {
  settings?: UpdateSettingsBody;
  scopes: CreateScopeDto[];
  clients: ImportedClientDto[];
  users: ImportedUserDto[];
  resources: CreateResourceDto[];
}

export interface ParseOptions {
  /** Whether this server can seal client_secret_jwt secrets (CLIENT_SECRET_ENCRYPTION_KEY). */
  sealingAvailable: boolean;
}

/**
 * Reads a file with the admin API's rules for each row (the same DTOs and client rules), and the
 * rules of a file as a whole (no id twice). Refuses with a 400 naming each bad row and field as
 * `clients[3].redirectUris[0]`; never looks at the database.
 */
export function parseImportDocument(raw: unknown, options: ParseOptions): ImportDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw ValidationProblem.field('body', 'the body must be a JSON object (an export file)');
  const { format, version } = raw as Record<string, unknown>;
  if (format !== EXPORT_FORMAT) throw ValidationProblem.field('format', `format must be "${EXPORT_FORMAT}"; this is not a Portcullis export file`);
  if (version !== EXPORT_VERSION) {
    const newer = typeof version === 'number' && version > EXPORT_VERSION;
    throw ValidationProblem.field('version', `unsupported version ${JSON.stringify(version ?? null)}: this server reads version ${EXPORT_VERSION}${newer ? ' (the file comes from a newer Portcullis)' : ''}`);
  }
  if (nestingDepth(raw, MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) throw ValidationProblem.field('body', `the input is nested more than ${MAX_INPUT_DEPTH} levels deep`);
  const dto = plainToInstance(ImportDocumentDto, raw);
  const errors = flatten(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
  if (errors.length > 0) throw new ValidationProblem(errors);
  const document: ImportDocument = { settings: dto.settings, scopes: dto.scopes ?? [], clients: dto.clients ?? [], users: dto.users ?? [], resources: dto.resources ?? [] };
  const fileErrors = [...document.clients.flatMap((client, index) => clientErrors(client, `clients[${index}]`, options)), ...duplicates(document)];
  if (fileErrors.length > 0) throw new ValidationProblem(fileErrors);
  return document;
}

/** The admin API's cross-field rules, and the secret a client of its type and method needs. */
function clientErrors(client: ImportedClientDto, at: string, { sealingAvailable }: ParseOptions): FieldError[] {
  const shape = { ...client, redirectUris: client.redirectUris ?? [] } as ClientFields;
  const errors = clientShapeErrors(shape).map((error) => ({ field: `${at}.${error.field}`, message: error.message }));
  const secretFields = (['secret', 'secretHash', 'previousSecretHash', 'sealedSecret', 'previousSealedSecret'] as const).filter((field) => client[field] !== undefined);
  if (client.type === 'public') {
    errors.push(...secretFields.map((field) => ({ field: `${at}.${field}`, message: 'a public client has no secret' })));
    return errors;
  }
  if (client.secret !== undefined && client.secretHash !== undefined) errors.push({ field: `${at}.secretHash`, message: 'give the secret or its hash, not both' });
  if ((client.previousSecretHash === undefined) !== (client.previousSecretExpiresAt === undefined)) {
    errors.push({ field: `${at}.previousSecretExpiresAt`, message: 'previousSecretHash and previousSecretExpiresAt go together' });
  }
  if (client.previousSealedSecret !== undefined && client.previousSecretHash === undefined) {
    errors.push({ field: `${at}.previousSealedSecret`, message: 'previousSealedSecret goes with previousSecretHash and previousSecretExpiresAt' });
  }
  if (client.tokenEndpointAuthMethod === 'client_secret_jwt') {
    if (!sealingAvailable) errors.push({ field: `${at}.tokenEndpointAuthMethod`, message: 'client_secret_jwt is not available on this server (CLIENT_SECRET_ENCRYPTION_KEY is not set)' });
    // The HMAC of client_secret_jwt needs the secret itself: a hash alone cannot serve it.
    else if (client.secret === undefined && client.sealedSecret === undefined && client.secretHash !== undefined) {
      errors.push({ field: `${at}.secret`, message: 'a client_secret_jwt client needs its secret in the clear or sealed (sealedSecret), not only its hash' });
    }
  } else {
    for (const field of ['sealedSecret', 'previousSealedSecret'] as const) {
      if (client[field] !== undefined) errors.push({ field: `${at}.${field}`, message: 'only a client_secret_jwt client has a sealed secret' });
    }
  }
  return errors;
}

/** The same id twice in one file is a mistake in the file, whatever the server holds. */
function duplicates(document: ImportDocument): FieldError[] {
  return [
    ...repeated(document.scopes, 'scopes', 'name', (scope) => scope.name, 'another row has the same scope name'),
    ...repeated(document.clients, 'clients', 'clientId', (client) => client.clientId, 'another row has the same clientId'),
    ...repeated(document.clients, 'clients', 'name', (client) => nameVersionKey(client.name, client.version), 'another row has the same name and version (the name compared without regard to case)'),
    ...repeated(document.users, 'users', 'username', (user) => user.username.toLowerCase(), 'another row has the same username (compared without regard to case)'),
    ...repeated(document.resources, 'resources', 'identifier', (resource) => resource.identifier, 'another row has the same identifier'),
  ];
}

function repeated<T>(rows: T[], section: string, field: string, key: (row: T) => string, message: string): FieldError[] {
  const first = new Map<string, number>();
  return rows.flatMap((row, index) => {
    const value = key(row);
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, index);
      return [];
    }
    return [{ field: `${section}[${index}].${field}`, message: `${message} (${section}[${earlier}])` }];
  });
}

/** Clients are told apart by name and version, the name compared without regard to case (the unique index). */
export function nameVersionKey(name: string, version: string): string {
  return `${name.toLowerCase()}\u0000${version}`;
}

/** Array members become `[n]`, so a field reads as the path into the file. */
function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
