import { Module } from '@nestjs/common';
import { BoardsModule } from '../boards/boards.module.js';
import { LiveModule } from '../live/live.module.js';
import { DisplaysController } from './displays.controller.js';
import { PairingService } from './pairing.service.js';

@Module({ imports: [LiveModule, BoardsModule], controllers: [DisplaysController], providers: [PairingService] })
export class DisplaysModule {}
