import { Module } from '@nestjs/common';
import { TokenModule } from '../token/token.module.js';
import { IntrospectionController } from './introspection.controller.js';
import { IntrospectionService } from './introspection.service.js';

@Module({ imports: [TokenModule], controllers: [IntrospectionController], providers: [IntrospectionService] })
export class IntrospectionModule {}
