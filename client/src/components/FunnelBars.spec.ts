import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import FunnelBars from './FunnelBars.vue';

const stages = [
  { stage: 'lead', label: 'Lead', reached: 40, progressed: 0.5 },
  { stage: 'qualified', label: 'Qualified', reached: 20, progressed: 0.25 },
  { stage: 'demo', label: 'Demo', reached: 0, progressed: null },
];

describe('FunnelBars', () => {
  it('shows each stage with the deals that got at least that far and the share that moved on', () => {
    const wrapper = mount(FunnelBars, { props: { stages }, global: { plugins: [createAppI18n('en')] } });

    expect(wrapper.findAll('li').map((item) => readableText(item.element))).toEqual([
      'Lead 40 got this far ↓ 50% moved on',
      'Qualified 20 got this far ↓ 25% moved on',
      'Demo none got this far ↓ none to convert',
    ]);
  });

  it('asks for the deals behind a stage when clicked', async () => {
    const wrapper = mount(FunnelBars, { props: { stages, interactive: true }, global: { plugins: [createAppI18n('id')] } });

    await wrapper.findAll('button')[1].trigger('click');

    expect(wrapper.emitted('select')?.[0]).toEqual([stages[1]]);
    // A default stage's default label speaks the reader's language.
    expect(readableText(wrapper.findAll('li')[1].element)).toBe('Terkualifikasi 20 sampai sini ↓ 25% berlanjut');
  });
});
