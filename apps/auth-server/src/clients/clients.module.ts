import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientEntity } from './client.entity.js';
import { ClientsRepository } from './clients.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity])],
  providers: [ClientsRepository, ClientAuthenticator],
  exports: [ClientAuthenticator, ClientsRepository],
})
export class ClientsModule {}
