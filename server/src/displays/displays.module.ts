import { Module } from '@nestjs/common';
import { BoardsModule } from '../boards/boards.module.js';
import { DisplayScopeWatcher } from './display-scope.watcher.js';
import { DisplaysController } from './displays.controller.js';
import { PairingService } from './pairing.service.js';

@Module({ imports: [BoardsModule], controllers: [DisplaysController], providers: [PairingService, DisplayScopeWatcher] })
export class DisplaysModule {}
