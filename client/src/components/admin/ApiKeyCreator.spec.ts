import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppI18n } from '@/i18n';
import ApiKeyCreator from './ApiKeyCreator.vue';
import { HttpAnswer, stubServer } from './fetch-stub';

const SECRET = 'sbk_live_3f9a0c2e7d1b4a6f8e0c2d4b6a8f0e1c';

function created(body: { name: string; scopes: string[] }) {
  return {
    id: 'k1',
    name: body.name,
    prefix: 'sbk_live_3f9a',
    scopes: body.scopes,
    createdAt: '2026-11-29T02:00:00.000Z',
    lastUsedAt: null,
    revokedAt: null,
    key: SECRET,
  };
}

function render() {
  return mount(ApiKeyCreator, { global: { plugins: [createAppI18n('en')] }, attachTo: document.body });
}

describe('ApiKeyCreator', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('sends the name and the scopes ticked, then shows the key once with the warning, and forgets it on Done', async () => {
    const server = stubServer({ 'POST /keys': (body: unknown) => created(body as { name: string; scopes: string[] }) });
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const wrapper = render();

    await wrapper.get('input[name="keyName"]').setValue('HubSpot sync');
    await wrapper.get('input[value="write"]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(server.writes()).toEqual([{ method: 'POST', path: '/keys', body: { name: 'HubSpot sync', scopes: ['read', 'write'] } }]);
    expect(wrapper.emitted('created')).toHaveLength(1);
    const panel = wrapper.get('[data-testid="created-key"]');
    expect(panel.text()).toContain('you will not see it again');
    expect((wrapper.get('[data-testid="created-key-secret"]').element as HTMLInputElement).value).toBe(SECRET);

    await panel.get('button.primary').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(panel.text()).toContain('Copied');

    await wrapper
      .findAll('button')
      .find((button) => button.text().startsWith('Done'))!
      .trigger('click');
    expect(wrapper.find('[data-testid="created-key"]').exists()).toBe(false);
    expect(wrapper.html()).not.toContain(SECRET);
    // The form is back, blank, for the next key.
    expect((wrapper.get('input[name="keyName"]').element as HTMLInputElement).value).toBe('');
    wrapper.unmount();
  });

  it("shows the server's 400 beside the field it names, and no secret", async () => {
    stubServer({
      'POST /keys': new HttpAnswer(400, {
        statusCode: 400,
        error: 'Bad Request',
        message: 'scopes: must name at least one scope',
        issues: [{ path: 'scopes', message: 'must name at least one scope' }],
      }),
    });
    const wrapper = render();

    await wrapper.get('input[name="keyName"]').setValue('Nothing allowed');
    await wrapper.get('input[value="read"]').setValue(false);
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[data-testid="key-error"]').text()).toBe('scopes: must name at least one scope');
    expect(wrapper.get('fieldset .field-error').text()).toBe('must name at least one scope');
    expect(wrapper.find('[data-testid="created-key"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
