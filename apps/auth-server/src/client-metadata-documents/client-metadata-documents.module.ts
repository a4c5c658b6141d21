import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ClientMetadataDocuments } from './client-metadata-documents.service.js';
import { DocumentClients } from './document-clients.js';
import { DocumentClientsRepository } from './document-clients.repository.js';
import { OAuthClientLookup } from './oauth-client-lookup.js';

@Module({
  imports: [ClientsModule, SettingsModule, AuditModule],
  providers: [ClientMetadataDocuments, DocumentClients, DocumentClientsRepository, OAuthClientLookup],
  exports: [ClientMetadataDocuments, OAuthClientLookup],
})
export class ClientMetadataDocumentsModule {}
