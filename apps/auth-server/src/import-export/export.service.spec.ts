import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { TransactionRunner } from '#database';
import { ClientEntity } from '../clients/client.entity.js';
import { toClientWithSecrets } from '../clients/client.mapper.js';
import type { ClientWithSecrets } from '../clients/client-with-secrets.js';
import type { AuthServerConfig } from '../config/auth-server.config.js';
import { DEFAULT_SETTINGS } from '../settings/settings.js';
import { ExportService } from './export.service.js';
import type { ImportExportRepository } from './import-export.repository.js';
import type { RegistryState } from './import-plan.js';

type ModelField = keyof ClientWithSecrets['client'] | Exclude<keyof ClientWithSecrets, 'client'>;

/**
 * The export lists each client field by hand, on purpose (a versioned file must not follow the
 * admin view). So a field added to the model must be added to the export, or here with the reason.
 */
const NOT_EXPORTED: Partial<Record<ModelField, string>> = {
  id: 'the internal row id: the importing installation makes its own',
  registration: 'an imported client is an admin client, whoever registered it (docs/import-export.md, "Not carried")',
  entityVersion: "the resource servers' sync counter of this installation; the import starts or moves its own",
  createdAt: 'set by the importing installation',
  updatedAt: 'set by the importing installation',
};

/** Model fields the file names differently. */
const RENAMED: Partial<Record<ModelField, string>> = { secretSealed: 'sealedSecret', previousSecretSealed: 'previousSealedSecret' };

/** Keys of an exported client that are no field of the model. */
const EXPORT_ONLY: Record<string, string> = { scopes: 'the associations (client_scopes), read beside the client' };

/** A Client and its secrets as the clients module maps a row: every field present, whatever its value. */
function modelWithEveryField(): ClientWithSecrets {
  const entity = Object.assign(new ClientEntity(), {
    clientId: 'exported-client',
    type: 'confidential',
    tokenEndpointAuthMethod: 'client_secret_jwt',
    secretHash: 'current-hash',
    previousSecretHash: 'previous-hash',
    previousSecretExpiresAt: new Date(Date.now() + 3_600_000),
    secretSealed: 'sealed-current',
    previousSecretSealed: 'sealed-previous',
  });
  return toClientWithSecrets(entity);
}

async function exportedKeysOf(model: ClientWithSecrets): Promise<string[]> {
  const { client, secretHash, previousSecretHash, previousSecretExpiresAt, secretSealed, previousSecretSealed } = model;
  const state: RegistryState = {
    settings: { ...DEFAULT_SETTINGS, accessTokenAudience: 'https://api.example.com' },
    scopes: new Map(),
    clients: new Map([[client.clientId, { client, scopes: ['billing.read'], secretHash, previousSecretHash, previousSecretExpiresAt, secretSealed, previousSecretSealed }]]),
    users: new Map(),
    resources: new Map(),
  };
  const config = { issuer: 'https://auth.example.com', resourceAudience: 'https://api.example.com' } as AuthServerConfig;
  const transactions = { run: (work: (tx: never) => Promise<unknown>) => work(undefined as never) } as unknown as TransactionRunner;
  const repository = { readState: async () => state } as unknown as ImportExportRepository;
  const document = await new ExportService(config, transactions, repository).export();
  expect(document.clients).toHaveLength(1);
  return Object.keys(document.clients[0]);
}

describe('the export file and the Client model', () => {
  it('carries every field of a client and its secrets, under its own name, except those listed with a reason', async () => {
    const model = modelWithEveryField();
    const { client, ...secrets } = model;
    const fields = [...Object.keys(client), ...Object.keys(secrets)] as ModelField[];
    const exported = await exportedKeysOf(model);
    const nameInFile = (field: ModelField) => RENAMED[field] ?? field;

    const missing = fields.filter((field) => !(field in NOT_EXPORTED) && !exported.includes(nameInFile(field)));
    const unknown = exported.filter((key) => !(key in EXPORT_ONLY) && !fields.some((field) => nameInFile(field) === key));
    const listedButExported = fields.filter((field) => field in NOT_EXPORTED && exported.includes(nameInFile(field)));
    const listedButNoField = Object.keys({ ...NOT_EXPORTED, ...RENAMED }).filter((field) => !fields.includes(field as ModelField));

    // Named lists, all at once: a failure says which field is where (add it to the export, or to NOT_EXPORTED with the reason).
    expect({
      'model fields missing from the export': missing,
      'exported keys that are no model field': unknown,
      'NOT_EXPORTED fields the export carries': listedButExported,
      'listed fields the model no longer has': listedButNoField,
    }).toEqual({
      'model fields missing from the export': [],
      'exported keys that are no model field': [],
      'NOT_EXPORTED fields the export carries': [],
      'listed fields the model no longer has': [],
    });
  });
});
