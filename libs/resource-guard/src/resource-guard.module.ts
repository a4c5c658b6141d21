import { Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { BearerErrorFilter } from './auth/bearer-error.filter.js';
import { BearerTokenGuard } from './auth/bearer-token.guard.js';
import { ResourceGuardConfigModule } from './config/config.module.js';
import type { ResourceGuardConfig } from './config/resource-guard.config.js';
import type { ResourceGuardOptions } from './config/resource-guard.options.js';
import { ResourceGuardDatabaseModule } from './database/database.module.js';
import { WellKnownModule } from './well-known/well-known.module.js';

/** forRootAsync: options from a factory (a config service, secrets read at start). */
export interface ResourceGuardAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: FactoryProvider<ResourceGuardOptions | Promise<ResourceGuardOptions>>['useFactory'];
  inject?: FactoryProvider['inject'];
  /** Known before the factory runs, since they decide which providers exist (defaults: true). */
  protectAllRoutes?: boolean;
  renderErrors?: boolean;
}

/** How the resource server composes the guard: its own database, error filter and per-route guards. */
export interface HostedGuardOptions {
  protectAllRoutes: boolean;
  renderErrors: boolean;
}

/**
 * What the resource server does for a request, for any Nest app: the bearer token check (JWT or
 * introspection, the synced registry: unknown, deactivated or disabled clients and revoked grants
 * are refused), @RequireScopes, @Public(), @CurrentAccess, and the RFC 9728 document at
 * /.well-known/oauth-protected-resource. Import it once, in the root module.
 */
@Module({})
export class ResourceGuardModule {
  static forRoot(options: ResourceGuardOptions): DynamicModule {
    return ResourceGuardModule.forApp(ResourceGuardConfigModule.forOptions({ useFactory: () => options }), options);
  }

  static forRootAsync(options: ResourceGuardAsyncOptions): DynamicModule {
    const { useFactory, inject = [], imports = [] } = options;
    return ResourceGuardModule.forApp(ResourceGuardConfigModule.forOptions({ useFactory, inject }, imports), options);
  }

  /** The resource server: its configuration resolved from its environment, its database providing REGISTRY_DATA_SOURCE. */
  static forHost(config: ResourceGuardConfig, hosted: HostedGuardOptions): DynamicModule {
    return ResourceGuardModule.compose([ResourceGuardConfigModule.forConfig(config)], hosted);
  }

  /**
   * An embedding app: the guard's own database connection, and global, as Nest's forRoot modules
   * are: imported once in the root module, @RequireScopes works in every feature module (the guard
   * a route names is built in the route's module, from what that module sees).
   */
  private static forApp(config: DynamicModule, marks: Partial<HostedGuardOptions>): DynamicModule {
    const hosted = { protectAllRoutes: marks.protectAllRoutes ?? true, renderErrors: marks.renderErrors ?? true };
    return { ...ResourceGuardModule.compose([config, ResourceGuardDatabaseModule.forRoot()], hosted), global: true };
  }

  private static compose(foundations: NonNullable<ModuleMetadata['imports']>, hosted: HostedGuardOptions): DynamicModule {
    const providers: Provider[] = [];
    if (hosted.protectAllRoutes) providers.push({ provide: APP_GUARD, useExisting: BearerTokenGuard });
    if (hosted.renderErrors) providers.push({ provide: APP_FILTER, useClass: BearerErrorFilter });
    return { module: ResourceGuardModule, imports: [...foundations, AuthModule, WellKnownModule], providers, exports: [AuthModule] };
  }
}
