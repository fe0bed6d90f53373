import type { Me } from '@salesboard/shared';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import { useSessionStore } from '@/stores/session';
import { filtersFromQuery, kpisQueryOf, mayView, queryFromFilters, useDashboardFilters } from './use-dashboard-filters';

const TEAM = '11111111-1111-4111-8111-111111111111';
const REP = '22222222-2222-4222-8222-222222222222';
const TERRITORY = '33333333-3333-4333-8333-333333333333';

let pinia = createPinia();
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

/** Mounts a page at `url` that uses the filters, as the dashboard does; returns its handle. */
async function openAt(url: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { render: () => null } }] });
  await router.push(url);
  let filters!: ReturnType<typeof useDashboardFilters>;
  const Page = defineComponent({
    setup() {
      filters = useDashboardFilters();
      return () => h('div');
    },
  });
  mount(Page, { global: { plugins: [router, pinia] } });
  await router.isReady();
  return { router, filters };
}

describe('dashboard filters in the URL', () => {
  it('reads the period and scope from the URL, with this month for the whole organisation by default', async () => {
    expect((await openAt('/')).filters.kpisQuery.value).toEqual({ period: 'month' });
    expect((await openAt(`/?period=quarter&team=${TEAM}`)).filters.kpisQuery.value).toEqual({ period: 'quarter', teamId: TEAM });
    expect((await openAt(`/?period=custom&from=2026-11-01&to=2026-11-15&rep=${REP}`)).filters.kpisQuery.value).toEqual({
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-15',
      repId: REP,
    });
  });

  it('writes a change to the URL, so the view can be shared and survives a reload', async () => {
    const { router, filters } = await openAt('/?lang=id');

    await filters.update({ period: 'week' });
    await filters.setScope({ kind: 'territory', id: TERRITORY });

    expect(router.currentRoute.value.fullPath).toBe(`/?lang=id&period=week&territory=${TERRITORY}`);
    // A reload is a fresh page on the same URL: the same filters come back.
    const reloaded = await openAt(router.currentRoute.value.fullPath);
    expect(reloaded.filters.filters.value).toEqual(filters.filters.value);
    expect(reloaded.filters.kpisQuery.value).toEqual({ period: 'week', territoryId: TERRITORY });
  });

  it('keeps the comparison in the URL beside the period and scope, and leaves it out of the KPI query', async () => {
    const { router, filters } = await openAt(`/?period=quarter&team=${TEAM}`);
    await filters.update({ compare: 'lastYear' });
    expect(router.currentRoute.value.fullPath).toBe(`/?period=quarter&team=${TEAM}&compare=lastYear`);
    // A new scope keeps the comparison.
    await filters.setScope({ kind: 'all' });
    expect(router.currentRoute.value.fullPath).toBe('/?period=quarter&compare=lastYear');
    expect(filters.kpisQuery.value).toEqual({ period: 'quarter' });
    await filters.update({ compare: 'previous' });
    expect(router.currentRoute.value.fullPath).toBe('/?period=quarter');
  });

  it('keeps one scope at a time: picking a rep replaces the team', async () => {
    const { router, filters } = await openAt(`/?team=${TEAM}`);

    await filters.setScope({ kind: 'rep', id: REP });

    expect(router.currentRoute.value.query).toEqual({ rep: REP });
    expect(filters.scope.value).toEqual({ kind: 'rep', id: REP });
  });

  it('asks nothing of the server while a custom range is incomplete or backwards', () => {
    expect(kpisQueryOf(filtersFromQuery({ period: 'custom', from: '2026-11-01' }))).toBeNull();
    expect(kpisQueryOf(filtersFromQuery({ period: 'custom', from: '2026-11-20', to: '2026-11-01' }))).toBeNull();
  });

  it('ignores what is malformed in a hand-edited URL', () => {
    const filters = filtersFromQuery({ period: 'fortnight', team: 'not-an-id', from: '2026-13-45', compare: 'lastDecade' });
    expect(filters).toEqual({ period: 'month', from: null, to: null, teamId: null, territoryId: null, repId: null, compare: 'previous' });
    expect(queryFromFilters(filters)).toEqual({});
  });
});

describe('scopes by who is looking', () => {
  const OTHER_TEAM = '9b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b';
  const signIn = (me: Partial<Me>) => {
    useSessionStore().me = { kind: 'user', id: 'u1', name: 'Hendra', role: 'manager', repId: null, teamIds: [], boardId: null, ...me };
  };

  it('opens a manager on their team, and keeps them off the organisation and other teams', async () => {
    signIn({ role: 'manager', teamIds: [TEAM] });
    expect((await openAt('/')).filters.kpisQuery.value).toEqual({ period: 'month', teamId: TEAM });
    signIn({ role: 'manager', teamIds: [TEAM] });
    expect((await openAt(`/?team=${OTHER_TEAM}`)).filters.kpisQuery.value).toEqual({ period: 'month', teamId: TEAM });
  });

  it('shows a rep their own figures whatever the URL asks', async () => {
    signIn({ role: 'rep', repId: REP, teamIds: [] });
    expect((await openAt(`/?team=${TEAM}`)).filters.kpisQuery.value).toEqual({ period: 'month', repId: REP });
  });

  it('follows the same rule as the server for a manager looking at a rep', () => {
    const teamOf = (repId: string) => (repId === REP ? TEAM : null);
    const manager = { role: 'manager' as const, repId: null, teamIds: [TEAM] };
    expect(mayView(manager, { kind: 'rep', id: REP }, teamOf)).toBe(true);
    expect(mayView(manager, { kind: 'rep', id: OTHER_TEAM }, teamOf)).toBe(false);
    expect(mayView(manager, { kind: 'all' }, teamOf)).toBe(false);
    expect(mayView(null, { kind: 'all' }, teamOf)).toBe(true);
    expect(mayView({ role: 'admin', repId: null, teamIds: [] }, { kind: 'territory', id: TEAM }, teamOf)).toBe(true);
  });
});
