import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BoardScopeOf, Principal } from '../auth/principal.js';
import { BOARD_ORDER } from '../boards/board-order.js';
import { EventStreamService } from './event-stream.service.js';
import { LivePublisher } from './live.publisher.js';

/**
 * A TV reads what its board shows (principal.ts), decided when its socket connected. When a
 * board's scope changes, or a board is removed, the TVs on this node whose board now shows
 * something else are dropped at the transport, so they reconnect at once with the new scope.
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
      if (events.some((event) => event.type === 'org.changed' && event.payload.entity === 'board')) void this.recheck();
    });
  }

  private async recheck(): Promise<void> {
    try {
      const boards: { id: string; scope: BoardScopeOf }[] = await this.dataSource.query(`SELECT id, scope FROM boards ORDER BY ${BOARD_ORDER}`);
      const scopes = new Map(boards.map((board) => [board.id, board.scope]));
      const fallback = boards[0]?.scope ?? { kind: 'all' };
      const dropped = this.publisher.dropLocalSockets((principal: Principal) => {
        if (principal.kind !== 'display') return false;
        const now = (principal.boardId !== null ? scopes.get(principal.boardId) : undefined) ?? fallback;
        return JSON.stringify(now) !== JSON.stringify(principal.boardScope ?? { kind: 'all' });
      });
      if (dropped > 0) this.logger.log(`${dropped} TV(s) reconnect: their board now shows another part of the organisation`);
    } catch (error) {
      this.logger.warn(`could not recheck the TVs' boards: ${String(error)}`);
    }
  }
}
