import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n, type AppLocale } from '@/i18n';
import { useOrgStore } from '@/stores/org';
import QuotaEditor from './QuotaEditor.vue';

const TEAM = '55555555-5555-4555-8555-555555555555';

function mountEditor(locale: AppLocale) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', name: 'login', component: { template: '<p />' } }] });
  useOrgStore().teams = [{ id: TEAM, name: 'Jakarta Hunters', managerName: null }] as never;
  return mount(QuotaEditor, {
    props: { currency: 'IDR', initialMonth: '2026-11', initialTarget: `team:${TEAM}` },
    global: { plugins: [createAppI18n(locale), router] },
  });
}

describe('QuotaEditor', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    stubServer({ 'GET /kpis': { kpis: { quota: null } } });
  });

  it('names the months in the reader language, not the browser one', () => {
    const months = (locale: AppLocale) =>
      mountEditor(locale)
        .findAll('select[name="month"] option')
        .map((option) => option.text());
    expect(months('id')).toEqual(['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember']);
    expect(months('en')[10]).toBe('November');
  });

  it('sets the quota of the month and year picked', async () => {
    const server = stubServer({
      'GET /kpis': { kpis: { quota: null } },
      'PUT /quotas': (body: unknown) => ({ ...(body as object), id: 'q1' }),
    });
    const wrapper = mountEditor('id');
    expect((wrapper.find('select[name="month"]').element as HTMLSelectElement).value).toBe('11');

    await wrapper.find('select[name="month"]').setValue('02');
    await wrapper.find('input[name="year"]').setValue('2027');
    await wrapper.find('input[name="amount"]').setValue('1.500.000.000');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(server.writes()).toEqual([
      { method: 'PUT', path: '/quotas', body: { teamId: TEAM, period: 'month', periodStart: '2027-02-01', amount: '1500000000' } },
    ]);
  });
});
