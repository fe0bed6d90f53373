import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { createAppI18n } from '@/i18n';
import LoginView from './LoginView.vue';

async function renderLogin(url = '/login') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/:rest(.*)*', component: { render: () => null } },
    ],
  });
  await router.push(url);
  const wrapper = mount(LoginView, { global: { plugins: [router, createAppI18n('en')] } });
  await wrapper.get('input[name="email"]').setValue('hendra@example.com');
  await wrapper.get('input[name="password"]').setValue('wrong password');
  return { wrapper, router };
}

describe('LoginView', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });

  it("shows the server's own words when the sign-in is refused", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () => new Response(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'email or password: not recognised' }), { status: 401 }),
      ),
    );
    const { wrapper } = await renderLogin();

    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[data-testid="login-error"]').text()).toBe('email or password: not recognised');
  });

  it('goes back to the page that asked for a sign-in, and only to a page of this site', async () => {
    const me = { kind: 'user', id: 'u1', name: 'Hendra', role: 'manager', repId: null, teamIds: [], boardId: null };
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async (url: string) =>
          new Response(JSON.stringify(url === '/api/auth/login' ? { accessToken: 'a', refreshToken: 'r', expiresIn: 900, tokenType: 'Bearer' } : me)),
      ),
    );
    const { wrapper, router } = await renderLogin('/login?redirect=/admin/pair%3Fcode%3DACDEFGHJ');

    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(router.currentRoute.value.fullPath).toBe('/admin/pair?code=ACDEFGHJ');
  });
});
