import type { Me, TerritoryOverviewAnswer } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { HttpAnswer, stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';
import TerritoriesView from './TerritoriesView.vue';

const JAKARTA = '11111111-1111-4111-8111-111111111111';
const BANDUNG = '22222222-2222-4222-8222-222222222222';
const AYU = '33333333-3333-4333-8333-333333333333';
const BUDI = '44444444-4444-4444-8444-444444444444';
const TEAM = '55555555-5555-4555-8555-555555555555';

/** The overview as the server would answer it, with Ayu wherever `ayuIn` says. */
function overview(ayuIn: string | null, period = 'month'): TerritoryOverviewAnswer {
  const ayu = { id: AYU, name: 'Ayu Lestari', teamId: TEAM, active: true };
  const territory = (id: string, name: string) => ({
    id,
    name,
    region: 'Java',
    reps: [...(id === JAKARTA ? [{ id: BUDI, name: 'Budi Santoso', teamId: TEAM, active: true }] : []), ...(ayuIn === id ? [ayu] : [])],
    accountCount: 4,
    openDeals: ayuIn === id ? 7 : 3,
    openPipeline: ayuIn === id ? '700000000.00' : '300000000.00',
    won: '150000000.00',
    quota: '500000000.00',
    attainment: 0.3,
  });
  return {
    period: period as TerritoryOverviewAnswer['period'],
    from: '2026-11-01',
    to: '2026-11-30',
    currency: 'IDR',
    territories: [territory(JAKARTA, 'Jakarta'), territory(BANDUNG, 'Bandung')],
    unassignedReps: ayuIn === null ? [{ id: AYU, name: 'Ayu Lestari', teamId: TEAM }] : [],
  };
}

function signIn(role: Me['role']): void {
  useSessionStore().me = { kind: 'user', id: 'u1', name: 'Sinta', role, repId: null, teamIds: [TEAM], boardId: null };
}

async function render() {
  const wrapper = mount(TerritoriesView, { global: { plugins: [createAppI18n('en')] } });
  await flushPromises();
  return wrapper;
}

const card = (wrapper: Awaited<ReturnType<typeof render>>, id: string) => wrapper.get(`[data-territory-id="${id}"]`);

describe('TerritoriesView', () => {
  let ayuIn: string | null;

  beforeEach(() => {
    setActivePinia(createPinia());
    ayuIn = null;
  });

  function server() {
    return stubServer({
      'GET /territories/overview': () => overview(ayuIn),
      'GET /teams': [{ id: TEAM, name: 'Enterprise', managerName: null }],
      [`PATCH /reps/${AYU}`]: (body: unknown) => {
        ayuIn = (body as { territoryId?: string | null }).territoryId ?? ayuIn;
        return { id: AYU, name: 'Ayu Lestari', email: 'ayu@example.com', teamId: TEAM, territoryId: ayuIn, avatarUrl: null, active: true };
      },
    });
  }

  it('assigning an unassigned rep by select sends one PATCH with the territory, then shows the refreshed figures', async () => {
    signIn('admin');
    const api = server();
    const wrapper = await render();
    expect(card(wrapper, BANDUNG).get('[data-testid="open-deals"]').text()).toBe('3');

    const row = wrapper.get(`[data-testid="unassigned"] [data-rep-id="${AYU}"]`);
    await row.get('select[name="territoryId"]').setValue(BANDUNG);
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PATCH', path: `/reps/${AYU}`, body: { territoryId: BANDUNG } }]);
    // Fetched again after the change: Ayu is in Bandung, with her open deals counted there.
    expect(api.sent.filter((request) => request.path === '/territories/overview')).toHaveLength(2);
    expect(card(wrapper, BANDUNG).text()).toContain('Ayu Lestari');
    expect(card(wrapper, BANDUNG).get('[data-testid="open-deals"]').text()).toBe('7');
    expect(wrapper.get('[data-testid="unassigned"]').text()).toContain('Every active rep has a territory.');
    expect(wrapper.get('[data-testid="territory-notice"]').text()).toBe('Ayu Lestari now works Bandung.');
  });

  it('dropping a rep on a territory sends the same PATCH as the select', async () => {
    signIn('admin');
    const api = server();
    const wrapper = await render();

    await wrapper.get(`[data-rep-id="${AYU}"]`).trigger('dragstart');
    await card(wrapper, JAKARTA).trigger('drop');
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PATCH', path: `/reps/${AYU}`, body: { territoryId: JAKARTA } }]);
  });

  it('offers a manager the territory and active flag but not the team, and shows a 403 from the server', async () => {
    signIn('manager');
    const api = server();
    api.routes[`PATCH /reps/${BUDI}`] = new HttpAnswer(403, { statusCode: 403, error: 'Forbidden', message: 'Budi Santoso is not in a team you manage' });
    const wrapper = await render();

    expect(wrapper.find('select[name="teamId"]').exists()).toBe(false);
    await wrapper.get(`[data-rep-id="${BUDI}"] select[name="territoryId"]`).setValue('');
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PATCH', path: `/reps/${BUDI}`, body: { territoryId: null } }]);
    expect(wrapper.get('[data-testid="territory-error"]').text()).toBe('Budi Santoso is not in a team you manage');
  });
});
