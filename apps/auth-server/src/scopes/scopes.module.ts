import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientScopesController } from './client-scopes.controller.js';
import { ClientScopesService } from './client-scopes.service.js';
import { ScopeEntity } from './scope.entity.js';
import { ScopesController } from './scopes.controller.js';
import { ScopesRepository } from './scopes.repository.js';
import { ScopesService } from './scopes.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ScopeEntity]), ClientsModule],
  controllers: [ScopesController, ClientScopesController],
  providers: [ScopesRepository, ScopesService, ClientScopesService],
  exports: [ScopesService],
})
export class ScopesModule {}
