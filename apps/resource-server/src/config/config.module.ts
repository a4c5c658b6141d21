import { DynamicModule, Global, Module } from '@nestjs/common';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from './resource-server.config.js';

@Global()
@Module({})
export class ResourceServerConfigModule {
  static forRoot(config: ResourceServerConfig): DynamicModule {
    return { module: ResourceServerConfigModule, providers: [{ provide: RESOURCE_SERVER_CONFIG, useValue: config }], exports: [RESOURCE_SERVER_CONFIG] };
  }
}
