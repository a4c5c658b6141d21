import { DynamicModule, Global, Module, type FactoryProvider } from '@nestjs/common';
import { RESOURCE_GUARD_CONFIG, type ResourceGuardConfig } from './resource-guard.config.js';
import { resolveResourceGuardConfig, type ResourceGuardOptions } from './resource-guard.options.js';

/** ResourceGuardModule's options as given (resolved once when they come from a factory). */
export const RESOURCE_GUARD_OPTIONS = Symbol('RESOURCE_GUARD_OPTIONS');

/** The guard's configuration, global like each app's config module: every guard module reads it. */
@Global()
@Module({})
export class ResourceGuardConfigModule {
  /** A host that resolved the configuration itself (the resource server, from its environment). */
  static forConfig(config: ResourceGuardConfig): DynamicModule {
    return { module: ResourceGuardConfigModule, providers: [{ provide: RESOURCE_GUARD_CONFIG, useValue: config }], exports: [RESOURCE_GUARD_CONFIG] };
  }

  /** ResourceGuardModule's options (a value, or a factory for forRootAsync), checked at boot. */
  static forOptions(
    options: Omit<FactoryProvider<ResourceGuardOptions | Promise<ResourceGuardOptions>>, 'provide'>,
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: ResourceGuardConfigModule,
      imports,
      providers: [
        { ...options, provide: RESOURCE_GUARD_OPTIONS },
        { provide: RESOURCE_GUARD_CONFIG, useFactory: resolveResourceGuardConfig, inject: [RESOURCE_GUARD_OPTIONS] },
      ],
      exports: [RESOURCE_GUARD_OPTIONS, RESOURCE_GUARD_CONFIG],
    };
  }
}
