import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module.js';
import { ProtectedResourceController } from './protected-resource.controller.js';

@Module({ imports: [RegistryModule], controllers: [ProtectedResourceController] })
export class WellKnownModule {}
