import type { OrgEntity, Rep, Stage, Team, Territory } from '@salesboard/shared';
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { listReps, listStages, listTeams, listTerritories } from '@/api/org';
import { useBoardStore } from './board';

/** The `org.changed` entities this store holds; a change to one reloads the lists (admin renames show at once). */
const HELD: readonly OrgEntity[] = ['team', 'territory', 'rep', 'stage'];
/** A burst of changes (an import of reps) costs one reload. */
const RELOAD_DELAY_MS = 300;

/** Teams, territories, reps and stages: what filters, pickers and labels are made of. Loaded once, reloaded on `org.changed`. */
export const useOrgStore = defineStore('org', () => {
  const teams = shallowRef<Team[]>([]);
  const territories = shallowRef<Territory[]>([]);
  const reps = shallowRef<Rep[]>([]);
  const stages = shallowRef<Stage[]>([]);
  const loaded = ref(false);
  const error = shallowRef<unknown>(null);

  let loading: Promise<void> | null = null;

  const byName = <T extends { name: string }>(items: T[]) => [...items].sort((a, b) => a.name.localeCompare(b.name));
  const repsById = computed(() => new Map(reps.value.map((rep) => [rep.id, rep])));
  const stagesByKey = computed(() => new Map(stages.value.map((stage) => [stage.key, stage])));

  function load(): Promise<void> {
    loading ??= Promise.all([listTeams(), listTerritories(), listReps(), listStages()])
      .then(([teamList, territoryList, repList, stageList]) => {
        teams.value = byName(teamList);
        territories.value = byName(territoryList);
        reps.value = byName(repList);
        stages.value = [...stageList].sort((a, b) => a.position - b.position);
        loaded.value = true;
        error.value = null;
      })
      .catch((failure: unknown) => {
        error.value = failure;
        loading = null; // the next caller tries again
      });
    return loading;
  }

  function stageLabel(key: string): string {
    return stagesByKey.value.get(key)?.label ?? key;
  }

  function nameOf(kind: 'team' | 'territory' | 'rep', id: string): string | null {
    const list: { id: string; name: string }[] = kind === 'team' ? teams.value : kind === 'territory' ? territories.value : reps.value;
    return list.find((item) => item.id === id)?.name ?? null;
  }

  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  useBoardStore().onEvent((event) => {
    if (event.type !== 'org.changed' || !HELD.includes(event.payload.entity) || !loaded.value || reloadTimer !== undefined) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      loading = null;
      void load();
    }, RELOAD_DELAY_MS);
  });

  return { teams, territories, reps, stages, loaded, error, repsById, stagesByKey, load, stageLabel, nameOf };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useOrgStore, import.meta.hot));
