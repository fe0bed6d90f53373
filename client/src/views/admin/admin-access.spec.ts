import type { Me } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, RouterView } from 'vue-router';
import { stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import { createAppRouter } from '@/router';
import { STORAGE_KEYS } from '@/stores/session';

function me(role: Me['role']): Me {
  return { kind: 'user', id: 'u1', name: 'Sinta', role, repId: null, teamIds: [], boardId: null };
}

/** The app's own router and the admin layout, signed in as `role` (the guard loads /auth/me itself). */
async function open(role: Me['role'], path: string) {
  localStorage.setItem(STORAGE_KEYS.access, 'token');
  setActivePinia(createPinia());
  // Each section asks for its lists; empty answers are enough to render the nav around them.
  stubServer({
    'GET /auth/me': me(role),
    'GET /displays': [],
    'GET /boards': [],
    'GET /territories/overview': null,
    'GET /teams': [],
    'GET /users': [],
    'GET /reps': [],
    'GET /admin/teams': [],
  });
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const wrapper = mount(RouterView, { global: { plugins: [router, createAppI18n('en')] } });
  await flushPromises();
  return { router, wrapper };
}

const navLinks = (wrapper: Awaited<ReturnType<typeof open>>['wrapper']) => wrapper.findAll('[data-testid="admin-nav"] a').map((link) => link.text());

describe('who may open which admin section', () => {
  beforeEach(() => localStorage.clear());

  it('shows an admin every section, the import included', async () => {
    const { router, wrapper } = await open('admin', '/admin/users');
    expect(router.currentRoute.value.name).toBe('admin-users');
    expect(navLinks(wrapper)).toEqual([
      'Displays',
      'Pair a TV',
      'Territories & reps',
      'Users & roles',
      'Teams & managers',
      'Stages',
      'Boards',
      'API keys',
      'Exchange rates',
      'Audit log',
      'Import',
    ]);
  });

  it('shows a manager displays, pairing and territories only, and sends them back from an admin-only section', async () => {
    const { router, wrapper } = await open('manager', '/admin/keys');
    expect(router.currentRoute.value.name).toBe('admin');
    expect(navLinks(wrapper)).toEqual(['Displays', 'Pair a TV', 'Territories & reps']);
  });

  it('keeps a rep out of /admin altogether', async () => {
    const { router } = await open('rep', '/admin/territories');
    expect(router.currentRoute.value.name).toBe('dashboard');
  });
});
