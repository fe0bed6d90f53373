import type { LoggedEvent, Scope } from '@salesboard/shared';

type RepPlace = { teamId: string | null; territoryId: string | null };

/**
 * Whether a feed event belongs on a board of `scope`: a deal by the team or territory it counts
 * for (a closed deal keeps the team it was closed for), an activity by its rep's team or territory.
 */
export function eventInScope(event: LoggedEvent, scope: Scope, repsById: ReadonlyMap<string, RepPlace>): boolean {
  if (scope.kind === 'all') return true;
  let place: RepPlace | undefined;
  let repId: string | null = null;
  switch (event.type) {
    case 'deal.created':
    case 'deal.updated':
    case 'deal.stageChanged':
    case 'deal.won':
    case 'deal.lost':
      place = event.payload.deal;
      repId = event.payload.deal.ownerId;
      break;
    case 'activity.logged':
      place = repsById.get(event.payload.activity.repId);
      repId = event.payload.activity.repId;
      break;
    default:
      return false;
  }
  if (scope.kind === 'rep') return repId === scope.id;
  if (!place) return false;
  return scope.kind === 'team' ? place.teamId === scope.id : place.territoryId === scope.id;
}
