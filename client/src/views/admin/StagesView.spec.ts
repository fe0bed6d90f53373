import type { Stage } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpAnswer, stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import StagesView from './StagesView.vue';

const stage = (key: string, position: number, kind: Stage['kind'] = 'open', probability = 10 * (position + 1)): Stage => ({
  key,
  label: key[0].toUpperCase() + key.slice(1),
  position,
  probability,
  forecastCategory: kind === 'won' ? 'closed' : kind === 'lost' ? 'omitted' : 'pipeline',
  kind,
  stuckAfterDays: 14,
});

let stages: Stage[];

function server() {
  return stubServer({
    'GET /stages': () => stages,
    'PUT /stages/order': (body: unknown) => {
      const { keys } = body as { keys: string[] };
      stages = keys.map((key, position) => ({ ...stages.find((item) => item.key === key)!, position }));
      return stages;
    },
    'PATCH /stages/demo': (body: unknown) =>
      (stages = stages.map((item) => (item.key === 'demo' ? { ...item, ...(body as object) } : item))).find((item) => item.key === 'demo'),
    'DELETE /stages/demo': new HttpAnswer(409, { statusCode: 409, error: 'Conflict', message: 'stage demo is used by 12 deals and 40 stage changes' }),
  });
}

async function render() {
  const wrapper = mount(StagesView, { global: { plugins: [createAppI18n('en')] } });
  await flushPromises();
  return wrapper;
}

const shownKeys = (wrapper: Awaited<ReturnType<typeof render>>) => wrapper.findAll('[data-testid="stage"]').map((row) => row.attributes('data-stage-key'));

describe('StagesView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    stages = [stage('lead', 0), stage('qualified', 1), stage('demo', 2), stage('won', 3, 'won', 100), stage('lost', 4, 'lost', 0)];
  });

  it('moving a stage down sends every key once in the new order, and shows that order', async () => {
    const api = server();
    const wrapper = await render();
    expect(shownKeys(wrapper)).toEqual(['lead', 'qualified', 'demo', 'won', 'lost']);

    await wrapper.get('button[aria-label="Move Qualified down"]').trigger('click');
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PUT', path: '/stages/order', body: { keys: ['lead', 'demo', 'qualified', 'won', 'lost'] } }]);
    expect(shownKeys(wrapper)).toEqual(['lead', 'demo', 'qualified', 'won', 'lost']);
    // The ends cannot move further.
    expect(wrapper.get('button[aria-label="Move Lead up"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('button[aria-label="Move Lost down"]').attributes('disabled')).toBeDefined();
  });

  it('saves only the fields edited in the row', async () => {
    const api = server();
    const wrapper = await render();
    const row = wrapper.get('[data-stage-key="demo"]');

    await row.get('input[name="probability"]').setValue(45);
    await row.get('button.primary').trigger('click');
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PATCH', path: '/stages/demo', body: { probability: 45 } }]);
    expect(wrapper.get('[data-testid="stage-notice"]').text()).toBe('Demo is saved.');
    expect((wrapper.get('[data-stage-key="demo"] input[name="probability"]').element as HTMLInputElement).value).toBe('45');
  });

  it("shows the server's 409 reason when a stage in use cannot be deleted, and keeps the stage", async () => {
    vi.stubGlobal('confirm', () => true);
    server();
    const wrapper = await render();

    await wrapper.get('[data-stage-key="demo"] button.danger').trigger('click');
    await flushPromises();

    expect(wrapper.get('[data-testid="stage-error"]').text()).toBe('stage demo is used by 12 deals and 40 stage changes');
    expect(shownKeys(wrapper)).toContain('demo');
  });
});
