import { Global, Module } from '@nestjs/common';
import { EventWriter } from './event-writer.service.js';

@Global()
@Module({ providers: [EventWriter], exports: [EventWriter] })
export class EventsModule {}
