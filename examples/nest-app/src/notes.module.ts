import { Module } from '@nestjs/common';
import { NotesController } from './notes.controller.js';

/** A feature module: its routes use the guard's decorators without importing the guard (ResourceGuardModule is global). */
@Module({ controllers: [NotesController] })
export class NotesModule {}
