import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppEvents } from '../events/app-events.js';
import { findScopedDisplays } from './display-scope.query.js';

/** What a display's scope follows: its board, and without one its approver's role and teams. */
const SCOPE_INPUTS = new Set(['board', 'team', 'user']);

/**
 * A TV reads what its scope allows (principal.ts), decided when its socket connected. When a
 * board's scope changes, a board is removed, or the person who paired a board-less TV gains or
 * loses teams, every node announces the TVs' scopes as they now are: the live stream drops its
 * TVs whose scope is now another, so they reconnect at once with the new scope.
 */
@Injectable()
export class DisplayScopeWatcher {
  private readonly logger = new Logger(DisplayScopeWatcher.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: AppEvents,
  ) {
    bus.on('log.applied', (events) => {
      if (events.some((event) => event.type === 'org.changed' && SCOPE_INPUTS.has(event.payload.entity))) void this.recheck();
    });
  }

  private async recheck(): Promise<void> {
    try {
      // A revoked display is dropped by its revocation; here it has no scope left either way.
      const displays = await findScopedDisplays(this.dataSource, 'd.revoked_at IS NULL', []);
      this.bus.emit('display.scopesChanged', new Map(displays.map((display) => [display.id, JSON.stringify(display.scope)])));
    } catch (error) {
      this.logger.warn(`could not recheck the TVs' scopes: ${String(error)}`);
    }
  }
}
