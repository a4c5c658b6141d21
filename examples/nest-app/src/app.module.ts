import { Module, type DynamicModule } from '@nestjs/common';
import { ResourceGuardModule, type ResourceGuardOptions } from '@portcullis/nest-resource-guard';
import { NotesModule } from './notes.module.js';

/** The app's settings, as a config module would provide them (main.ts: the environment; the tests: their auth server). */
export const GUARD_SETTINGS = Symbol('GUARD_SETTINGS');

@Module({})
class SettingsModule {
  static of(settings: ResourceGuardOptions): DynamicModule {
    return { module: SettingsModule, providers: [{ provide: GUARD_SETTINGS, useValue: settings }], exports: [GUARD_SETTINGS] };
  }
}

@Module({})
export class AppModule {
  static withSettings(settings: ResourceGuardOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        NotesModule,
        // forRootAsync: the options come from a provider of the app (a ConfigService, usually).
        ResourceGuardModule.forRootAsync({
          imports: [SettingsModule.of(settings)],
          inject: [GUARD_SETTINGS],
          useFactory: (guard: ResourceGuardOptions) => guard,
        }),
      ],
    };
  }
}
