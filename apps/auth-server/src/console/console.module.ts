import { ResourcesModule } from '../resources/resources.module.js';
import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { ConsoleAssetsService } from './console-assets.service.js';
import { ConsoleClientProvisioning } from './console-client-provisioning.service.js';
import { ConsoleClientRepository } from './console-client.repository.js';
import { ConsoleController } from './console.controller.js';

/** The administrators' web console at /console and its OAuth client. */
@Module({
  imports: [ClientsModule, ScopesModule, ResourcesModule],
  controllers: [ConsoleController],
  providers: [ConsoleAssetsService, ConsoleClientProvisioning, ConsoleClientRepository],
})
export class ConsoleModule {}
