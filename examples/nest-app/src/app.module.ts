import { Module, type DynamicModule } from '@nestjs/common';
import { ResourceGuardModule, type ResourceGuardOptions } from '@portcullis/nest-resource-guard';
import { NotesController } from './notes.controller.js';

@Module({ controllers: [NotesController] })
export class AppModule {
  /** The guard as the caller configures it: main.ts from the environment, the tests from their auth server. */
  static withGuard(options: ResourceGuardOptions): DynamicModule {
    return { module: AppModule, imports: [ResourceGuardModule.forRoot(options)] };
  }
}
