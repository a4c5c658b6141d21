import { Module } from '@nestjs/common';
import { TokenModule } from '../token/token.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { RevocationController } from './revocation.controller.js';
import { RevocationService } from './revocation.service.js';

@Module({ imports: [TokenModule, TokensModule], controllers: [RevocationController], providers: [RevocationService] })
export class RevocationModule {}
