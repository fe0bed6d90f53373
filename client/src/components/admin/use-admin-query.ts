import type { LiveEvent, OrgEntity } from '@salesboard/shared';
import { useLiveQuery } from '@/composables/use-live-query';

/** True for an `org.changed` about one of `entities`. */
export function isOrgChangeOf(entities: readonly OrgEntity[]) {
  return (event: LiveEvent): boolean => event.type === 'org.changed' && entities.includes(event.payload.entity);
}

/**
 * A list on an admin screen: loaded once and again whenever anyone (another admin, an import)
 * changes one of `entities`, so two admins' screens stay in step. Org data moves only by such
 * events, so the clock refresh is slow; a write made here calls `reload()` itself.
 */
export function useAdminQuery<T>(entities: readonly OrgEntity[], load: (signal: AbortSignal) => Promise<T>, key: () => string | null = () => 'all') {
  return useLiveQuery(key, load, { isRelevant: isOrgChangeOf(entities), throttleMs: 300, refreshMs: 5 * 60_000 });
}
