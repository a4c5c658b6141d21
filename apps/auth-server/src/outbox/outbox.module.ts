import { Module } from '@nestjs/common';
import { OutboxEventsRepository } from './outbox-events.repository.js';
import { OutboxWriter } from './outbox.writer.js';

@Module({ providers: [OutboxEventsRepository, OutboxWriter], exports: [OutboxEventsRepository, OutboxWriter] })
export class OutboxModule {}
