import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HIDDEN_EVENT_TYPE, type LoggedEvent, type SequencedEvent } from '@salesboard/shared';
import { type FiguresScope, maySeeFiguresOf, type Principal, seesEveryDeal } from '../auth/principal.js';
import { EventStreamService } from './event-stream.service.js';

/**
 * Who may read a logged event in full, besides the roles that see everything: the reps it
 * belongs to and the teams whose managers may see it. `null`: everyone (an org change, the
 * summary of an import), since it tells nothing about anyone's deals.
 */
export interface Audience {
  repIds: string[];
  teamIds: string[];
}

/** Everyone who may read `event`, as the socket rooms they sit in once caught up. */
export function viewerRoomsOf(audience: Audience): string[] {
  return [...audience.repIds.map(repViewerRoom), ...audience.teamIds.map(teamViewerRoom)];
}

export function repViewerRoom(repId: string): string {
  return `viewer:rep:${repId}`;
}

export function teamViewerRoom(teamId: string): string {
  return `viewer:team:${teamId}`;
}

/** The viewer rooms a restricted socket joins: its rep, or the teams its manager runs. */
export function viewerRoomsFor(principal: Principal): string[] {
  if (principal.role === 'rep') return principal.repId ? [repViewerRoom(principal.repId)] : [];
  if (principal.role === 'manager') return principal.teamIds.map(teamViewerRoom);
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
  private teamOfRep = new Map<string, string | null>();

  constructor(
    private readonly dataSource: DataSource,
    stream: EventStreamService,
  ) {
    stream.onEvents((events) => {
      if (events.some((event) => event.type === 'org.changed' && event.payload.entity === 'rep')) void this.loadReps();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.loadReps();
  }

  private async loadReps(): Promise<void> {
    try {
      const rows: { id: string; team_id: string | null }[] = await this.dataSource.query('SELECT id, team_id FROM reps');
      this.teamOfRep = new Map(rows.map((row) => [row.id, row.team_id]));
    } catch (error) {
      // Keeps the last map: a manager may miss an activity of a rep who just changed team.
      this.logger.warn(`could not load the reps' teams: ${String(error)}`);
    }
  }

  teamOf(repId: string | null): string | null {
    return repId === null ? null : (this.teamOfRep.get(repId) ?? null);
  }

  audienceOf(event: LoggedEvent): Audience | null {
    switch (event.type) {
      case 'deal.created':
      case 'deal.stageChanged':
      case 'deal.won':
      case 'deal.lost':
      case 'deal.deleted':
        return { repIds: [event.payload.deal.ownerId], teamIds: present(event.payload.deal.teamId) };
      case 'deal.updated': {
        // A deal handed to another rep or team: the ones it left learn that it has gone.
        const { deal, previous } = event.payload;
        return { repIds: present(deal.ownerId, previous.ownerId), teamIds: present(deal.teamId, previous.teamId) };
      }
      case 'activity.logged':
        return { repIds: [event.payload.activity.repId], teamIds: present(this.teamOf(event.payload.activity.repId)) };
      case 'lead.changed':
        return { repIds: present(event.payload.lead.repId), teamIds: present(this.teamOf(event.payload.lead.repId)) };
      case 'quota.updated': {
        const { quota } = event.payload;
        return { repIds: present(quota.repId), teamIds: present(quota.teamId ?? this.teamOf(quota.repId)) };
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
    return false;
  }

  /** The KPI rule of principal.ts with this node's reps' teams: one check for GET /api/kpis, its CSV and `subscribe`. */
  mayReadFigures(principal: Principal, scope: FiguresScope): boolean {
    return maySeeFiguresOf(principal, scope, (repId) => this.teamOf(repId));
  }

  /** The event as this principal may receive it. */
  forPrincipal(principal: Principal, event: LoggedEvent): SequencedEvent {
    return this.mayRead(principal, event) ? event : hidden(event);
  }
}

export function hidden(event: LoggedEvent): SequencedEvent {
  return { seq: event.seq, type: HIDDEN_EVENT_TYPE, at: event.at, payload: {} };
}
