import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { FirstStartSeedsRepository } from './first-start-seeds.repository.js';
import { StandardScopesProvisioning } from './standard-scopes.provisioning.js';

/** OpenID Connect's defaults: the standard scopes at the first start. */
@Module({ imports: [ClientsModule, ScopesModule], providers: [FirstStartSeedsRepository, StandardScopesProvisioning] })
export class OidcModule {}
