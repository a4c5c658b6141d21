import { DynamicModule, Global, Module } from '@nestjs/common';
import { WorkerSiblings } from '../workers/worker-siblings.js';
import { RESOURCE_SERVER_CONFIG, type ResourceServerConfig } from './resource-server.config.js';

/** The validated config, and which worker of RESOURCE_WORKERS this process is (its siblings). */
@Global()
@Module({})
export class ResourceServerConfigModule {
  static forRoot(config: ResourceServerConfig, siblings: WorkerSiblings): DynamicModule {
    return {
      module: ResourceServerConfigModule,
      providers: [
        { provide: RESOURCE_SERVER_CONFIG, useValue: config },
        { provide: WorkerSiblings, useValue: siblings },
      ],
      exports: [RESOURCE_SERVER_CONFIG, WorkerSiblings],
    };
  }
}
