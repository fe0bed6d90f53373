import type { Display, PairingBoards } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import PairDisplayView from './PairDisplayView.vue';

const JAKARTA_BOARD = '11111111-1111-4111-8111-111111111111';
const DISPLAY = '22222222-2222-4222-8222-222222222222';
const JAKARTA_TEAM = '33333333-3333-4333-8333-333333333333';

/** What the server offers a manager of one team with one board of it (the organisation's board is not theirs). */
const managersBoards: PairingBoards = {
  boards: [
    { id: JAKARTA_BOARD, name: 'Team Jakarta floor', scenes: [{ kind: 'leaderboard', seconds: 20 }], scope: { kind: 'team', id: JAKARTA_TEAM }, sound: false },
  ],
  withoutBoardReads: 'yourTeams',
};

async function render(locale: 'en' | 'id' = 'en') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/pair', component: PairDisplayView },
      { path: '/:rest(.*)*', component: { render: () => null } },
    ],
  });
  await router.push('/admin/pair?code=ACDE3479');
  const wrapper = mount(PairDisplayView, { global: { plugins: [router, createAppI18n(locale)] } });
  await flushPromises();
  return wrapper;
}

const optionTexts = (wrapper: Awaited<ReturnType<typeof render>>) => wrapper.findAll('select[name="boardId"] option').map((option) => option.text());

describe('PairDisplayView', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('offers a manager only the boards the server lets them pair to, and says a TV without one reads only their teams', async () => {
    const api = stubServer({
      'GET /pairing/boards': managersBoards,
      'POST /pairing/approve': (body: unknown) =>
        ({
          id: DISPLAY,
          name: 'Lobby',
          boardId: (body as { boardId: string | null }).boardId,
          createdAt: '2026-12-01T00:00:00Z',
          lastSeenAt: null,
          revokedAt: null,
        }) satisfies Display,
    });
    const wrapper = await render();

    expect(optionTexts(wrapper)).toEqual(['No board: plays the first board, reads only your teams', 'Team Jakarta floor']);
    expect(wrapper.get('[data-testid="pair-boards-hint"]').text()).toBe('Only the boards of your teams are listed.');
    // The page never fetches the whole list of boards to decide for itself.
    expect(api.sent.map((request) => request.path)).toEqual(['/pairing/boards']);

    await wrapper.get('input[name="name"]').setValue('Lobby');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(api.writes()).toEqual([{ method: 'POST', path: '/pairing/approve', body: { userCode: 'ACDE3479', name: 'Lobby', boardId: JAKARTA_BOARD } }]);
    expect(wrapper.get('[data-testid="pair-done"]').text()).toContain('Lobby is paired and shows Team Jakarta floor');
  });

  it('tells an admin, in Bahasa Indonesia too, that a TV without a board reads the whole organisation', async () => {
    stubServer({ 'GET /pairing/boards': { boards: [], withoutBoardReads: 'everything' } satisfies PairingBoards });
    const wrapper = await render('id');

    expect(optionTexts(wrapper)).toEqual(['Tanpa papan: memutar papan pertama, membaca seluruh organisasi']);
    expect(wrapper.find('[data-testid="pair-boards-hint"]').exists()).toBe(false);
  });

  it('says a manager of no team pairs a TV that reads nothing', async () => {
    stubServer({ 'GET /pairing/boards': { boards: [], withoutBoardReads: 'nothing' } satisfies PairingBoards });
    const wrapper = await render();

    expect(optionTexts(wrapper)).toEqual(['No board: reads nothing, as you manage no team']);
  });
});
