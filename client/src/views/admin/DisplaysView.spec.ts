import type { ListedDisplay } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import DisplaysView from './DisplaysView.vue';

const OWN = '11111111-1111-4111-8111-111111111111';
const ADMINS = '22222222-2222-4222-8222-222222222222';
const WIDE = '33333333-3333-4333-8333-333333333333';

const listed = (id: string, name: string, pairedBy: string | null, revokeRefusal: ListedDisplay['revokeRefusal']): ListedDisplay => ({
  id,
  name,
  boardId: null,
  createdAt: '2026-12-01T00:00:00Z',
  lastSeenAt: null,
  revokedAt: null,
  pairedBy,
  revocable: revokeRefusal === null,
  revokeRefusal,
});

/** The TV list as the server answers a manager: their own TV, one an admin paired, one reading beyond their teams. */
const asManager = [
  listed(OWN, 'Jakarta TV', 'Hendra', null),
  listed(ADMINS, 'Reception TV', 'Administrator', 'pairedByAdmin'),
  listed(WIDE, 'Medan TV', null, 'readsBeyondYourTeams'),
];

async function render(locale: 'en' | 'id' = 'en') {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)*', name: 'pair', component: { render: () => null } }] });
  const wrapper = mount(DisplaysView, { global: { plugins: [router, createAppI18n(locale)] } });
  await flushPromises();
  return wrapper;
}

const row = (wrapper: Awaited<ReturnType<typeof render>>, id: string) => wrapper.get(`tr[data-display-id="${id}"]`);

describe('DisplaysView', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('offers the revoke action only on the TVs the server says the caller may revoke, and says why not on the others', async () => {
    stubServer({ 'GET /displays': asManager, 'GET /boards': [] });
    const wrapper = await render();

    expect(row(wrapper, OWN).find('button').text()).toContain('Revoke');
    expect(row(wrapper, OWN).text()).toContain('Hendra');
    expect(row(wrapper, ADMINS).find('button').exists()).toBe(false);
    expect(row(wrapper, ADMINS).text()).toContain('Administrator');
    expect(row(wrapper, ADMINS).get('[data-testid="revoke-refusal"]').text()).toBe('Paired by an admin: only an admin may revoke it');
    expect(row(wrapper, WIDE).find('button').exists()).toBe(false);
    expect(row(wrapper, WIDE).text()).toContain('a deleted user');
    expect(row(wrapper, WIDE).get('[data-testid="revoke-refusal"]').text()).toBe('Reads beyond your teams: only an admin may revoke it');
  });

  it('says why not in Bahasa Indonesia', async () => {
    stubServer({ 'GET /displays': asManager, 'GET /boards': [] });
    const wrapper = await render('id');

    expect(row(wrapper, ADMINS).get('[data-testid="revoke-refusal"]').text()).toBe('Dihubungkan oleh admin: hanya admin yang boleh mencabutnya');
    expect(row(wrapper, WIDE).get('[data-testid="revoke-refusal"]').text()).toBe('Membaca di luar tim Anda: hanya admin yang boleh mencabutnya');
  });

  it('revokes a TV the caller may revoke with one DELETE', async () => {
    const api = stubServer({ 'GET /displays': asManager, 'GET /boards': [], [`DELETE /displays/${OWN}`]: asManager[0] });
    vi.stubGlobal('confirm', () => true);
    const wrapper = await render();

    await row(wrapper, OWN).get('button').trigger('click');
    await flushPromises();
    expect(api.writes()).toEqual([{ method: 'DELETE', path: `/displays/${OWN}`, body: undefined }]);
  });
});
