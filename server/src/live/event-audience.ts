import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HIDDEN_EVENT_TYPE, type LoggedEvent, maySeeFiguresOf, type ScopeQuery, type SequencedEvent } from '@salesboard/shared';
import { figuresViewerOf, narrowBoard, type Principal, seesEveryDeal } from '../auth/principal.js';
import { AppEvents } from '../events/app-events.js';

/**
 * Who may read a logged event in full, besides the roles that see everything: the reps it
 * belongs to and the teams whose managers may see it. `null`: everyone (an org change, the
 * summary of an import), since it tells nothing about anyone's deals.
 */
export interface Audience {
  repIds: string[];
  teamIds: string[];
  /** For the TVs of a territory's board. */
  territoryIds: string[];
}

/** Everyone who may read `event`, as the socket rooms they sit in once caught up. */
export function viewerRoomsOf(audience: Audience): string[] {
  return [...audience.repIds.map(repViewerRoom), ...audience.teamIds.map(teamViewerRoom), ...audience.territoryIds.map(territoryViewerRoom)];
}

export function territoryViewerRoom(territoryId: string): string {
  return `viewer:territory:${territoryId}`;
}

export function repViewerRoom(repId: string): string {
  return `viewer:rep:${repId}`;
}

export function teamViewerRoom(teamId: string): string {
  return `viewer:team:${teamId}`;
}

/** The viewer rooms a restricted socket joins: its rep, the teams its manager runs, its TV's board's team or territory. */
export function viewerRoomsFor(principal: Principal): string[] {
  if (principal.role === 'rep') return principal.repId ? [repViewerRoom(principal.repId)] : [];
  if (principal.role === 'manager') return principal.teamIds.map(teamViewerRoom);
  const board = narrowBoard(principal);
  if (board) return board.kind === 'territory' ? [territoryViewerRoom(board.id)] : board.ids.map(teamViewerRoom);
  return [];
}

function present(...ids: (string | null | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/**
 * Applies the access rules of principal.ts to the live stream: a rep's socket gets their own
 * deals, activities and quotas in full and every other logged event as `event.hidden` with the
 * same seq, so the stream stays gap-free; a manager's the same for their teams. The rules for
 * activities, leads and quotas need each rep's team, kept here from the reps table.
 */
@Injectable()
export class EventAudience implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventAudience.name);
  private placeOfRep = new Map<string, { teamId: string | null; territoryId: string | null }>();

  constructor(
    private readonly dataSource: DataSource,
    bus: AppEvents,
  ) {
    // Follows the log, not only the boot: the demo seeds its reps after this loads (with one
    // deals.imported, no rep event), and an import may bring reps the same way.
    bus.on('log.applied', (events) => {
      if (events.some((event) => event.type === 'deals.imported' || (event.type === 'org.changed' && event.payload.entity === 'rep'))) void this.loadReps();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loadReps();
  }

  private async loadReps(): Promise<void> {
    try {
      const rows: { id: string; team_id: string | null; territory_id: string | null }[] = await this.dataSource.query(
        'SELECT id, team_id, territory_id FROM reps',
      );
      this.placeOfRep = new Map(rows.map((row) => [row.id, { teamId: row.team_id, territoryId: row.territory_id }]));
    } catch (error) {
      // Keeps the last map: a manager may miss an activity of a rep who just changed team.
      this.logger.warn(`could not load the reps' teams: ${String(error)}`);
    }
  }

  teamOf(repId: string | null): string | null {
    return repId === null ? null : (this.placeOfRep.get(repId)?.teamId ?? null);
  }

  territoryOf(repId: string | null): string | null {
    return repId === null ? null : (this.placeOfRep.get(repId)?.territoryId ?? null);
  }

  /** Who may read a record that belongs to a rep (an activity, a lead, a rep's quota). */
  private ofRep(repId: string | null, teamId: string | null = this.teamOf(repId)): Audience {
    return { repIds: present(repId), teamIds: present(teamId), territoryIds: present(this.territoryOf(repId)) };
  }

  audienceOf(event: LoggedEvent): Audience | null {
    switch (event.type) {
      case 'deal.created':
      case 'deal.stageChanged':
      case 'deal.won':
      case 'deal.lost':
      case 'deal.deleted':
        return { repIds: [event.payload.deal.ownerId], teamIds: present(event.payload.deal.teamId), territoryIds: present(event.payload.deal.territoryId) };
      case 'deal.updated': {
        // A deal handed to another rep, team or territory: the ones it left learn that it has gone.
        const { deal, previous } = event.payload;
        return {
          repIds: present(deal.ownerId, previous.ownerId),
          teamIds: present(deal.teamId, previous.teamId),
          territoryIds: present(deal.territoryId, previous.territoryId),
        };
      }
      case 'activity.logged':
        return this.ofRep(event.payload.activity.repId);
      case 'lead.changed':
        return this.ofRep(event.payload.lead.repId);
      case 'quota.updated': {
        const { quota } = event.payload;
        // A team's quota is its team's business; a territory's TV does not show quotas by team.
        return quota.repId
          ? this.ofRep(quota.repId, quota.teamId ?? this.teamOf(quota.repId))
          : { repIds: [], teamIds: present(quota.teamId), territoryIds: [] };
      }
      case 'org.changed':
      case 'deals.imported':
        return null;
    }
  }

  mayRead(principal: Principal, event: LoggedEvent): boolean {
    if (seesEveryDeal(principal)) return true;
    const audience = this.audienceOf(event);
    if (audience === null) return true;
    if (principal.role === 'rep') return principal.repId !== null && audience.repIds.includes(principal.repId);
    if (principal.role === 'manager') return audience.teamIds.some((teamId) => principal.teamIds.includes(teamId));
    const board = narrowBoard(principal);
    if (board?.kind === 'territory') return audience.territoryIds.includes(board.id);
    if (board) return audience.teamIds.some((teamId) => board.ids.includes(teamId));
    return false;
  }

  /** The KPI rule of principal.ts with this node's reps' teams: one check for GET /api/kpis, its CSV and `subscribe`. */
  mayReadFigures(principal: Principal, scope: ScopeQuery): boolean {
    return maySeeFiguresOf(figuresViewerOf(principal), scope, (repId) => this.teamOf(repId));
  }

  /** The event as this principal may receive it. */
  forPrincipal(principal: Principal, event: LoggedEvent): SequencedEvent {
    return this.mayRead(principal, event) ? event : hidden(event);
  }
}

export function hidden(event: LoggedEvent): SequencedEvent {
  return { seq: event.seq, type: HIDDEN_EVENT_TYPE, at: event.at, payload: {} };
}
