import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { findScopedDisplays } from '../displays/display-scope.query.js';
import { EventStreamService } from './event-stream.service.js';
import { LivePublisher } from './live.publisher.js';

/** What a display's scope follows: its board, and without one its approver's role and teams. */
const SCOPE_INPUTS = new Set(['board', 'team', 'user']);

/**
 * A TV reads what its scope allows (principal.ts), decided when its socket connected. When a
 * board's scope changes, a board is removed, or the person who paired a board-less TV gains or
 * loses teams, the TVs on this node whose scope is now another are dropped at the transport, so
 * they reconnect at once with the new scope.
 */
@Injectable()
export class DisplayScopeWatcher {
  private readonly logger = new Logger(DisplayScopeWatcher.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: LivePublisher,
    stream: EventStreamService,
  ) {
    stream.onEvents((events) => {
      if (events.some((event) => event.type === 'org.changed' && SCOPE_INPUTS.has(event.payload.entity))) void this.recheck();
    });
  }

  private async recheck(): Promise<void> {
    try {
      const displays = await findScopedDisplays(this.dataSource, 'd.revoked_at IS NULL', []);
      const scopes = new Map(displays.map((display) => [display.id, JSON.stringify(display.scope)]));
      const dropped = this.publisher.dropLocalSockets((principal: Principal) => {
        if (principal.kind !== 'display') return false;
        // A revoked display is dropped by its revocation; here it has no scope left either way.
        return scopes.get(principal.id) !== JSON.stringify(principal.boardScope ?? { kind: 'all' });
      });
      if (dropped > 0) this.logger.log(`${dropped} TV(s) reconnect: they now read another part of the organisation`);
    } catch (error) {
      this.logger.warn(`could not recheck the TVs' scopes: ${String(error)}`);
    }
  }
}
