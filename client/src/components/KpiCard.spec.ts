import { KPI_DEFINITIONS } from '@salesboard/shared';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { KPI_CARD_KEYS } from '@/composables/kpi-cards';
import en from '@/i18n/en.json';
import { createAppI18n } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import KpiCard from './KpiCard.vue';

function render(props: InstanceType<typeof KpiCard>['$props'], locale: 'en' | 'id' = 'en') {
  return mount(KpiCard, { props, global: { plugins: [createAppI18n(locale)] } });
}

describe('KpiCard', () => {
  it('says the trend in words beside the arrow, so colour is never the only signal', () => {
    const card = render({
      kpi: 'cycleDays',
      label: 'Sales cycle',
      value: '30 days',
      definition: 'Mean days from creation to close.',
      trend: { direction: 'down', text: '−2 days', good: true },
    });

    // The sign says "down" once: no "Down" before it.
    expect(readableText(card.get('[data-testid="kpi-trend"]').element)).toBe('▼ −2 days on previous period, better');
    expect(card.get('[data-testid="kpi-trend"]').attributes('data-good')).toBe('true');
  });

  it('says what the trend compares with, in both languages', () => {
    const trend = { direction: 'up' as const, text: '+88%', good: true, against: '1–7 Nov' };
    const props = { kpi: 'activities', label: 'Activities', value: '120', definition: 'Calls…', trend };
    expect(readableText(render(props).get('[data-testid="kpi-trend"]').element)).toBe('▲ +88% vs 1–7 Nov, better');
    expect(readableText(render(props, 'id').get('[data-testid="kpi-trend"]').element)).toBe('▲ +88% dibanding 1–7 Nov, lebih baik');
    const flat = render({ ...props, trend: { direction: 'flat', text: '0%', good: null, against: '1–7 Nov' } });
    expect(readableText(flat.get('[data-testid="kpi-trend"]').element)).toBe('▬ Same as 1–7 Nov');
  });

  it('carries its definition for hover and for screen readers', () => {
    const card = render({ kpi: 'revenue', label: 'Pendapatan', value: 'Rp 1,2 M', definition: 'Jumlah nilai deal yang dimenangkan.', trend: null }, 'id');

    const definitionId = card.get('article').attributes('aria-describedby');
    expect(card.get(`[id="${definitionId}"]`).text()).toBe('Jumlah nilai deal yang dimenangkan.');
    expect(card.get('[data-testid="kpi-trend"]').text()).toBe('Tidak ada periode sebelumnya untuk dibandingkan');
  });

  it('opens its definition from the info mark only, and closes it with Escape', async () => {
    const card = render({ kpi: 'winRate', label: 'Win rate', value: '60%', definition: 'Won ÷ closed.', trend: null }, 'en');
    const bubble = () => card.get('[data-testid="kpi-definition"]');

    await card.get('article').trigger('pointerenter');
    await card.get('[data-testid="kpi-value"]').trigger('pointerenter');
    expect(bubble().classes()).not.toContain('open');

    await card.get('[data-testid="kpi-info"]').trigger('click');
    expect(bubble().classes()).toContain('open');
    expect(card.get('[data-testid="kpi-info"]').attributes('aria-expanded')).toBe('true');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await card.vm.$nextTick();
    expect(bubble().classes()).not.toContain('open');
    card.unmount();
  });

  it('uses the shared definitions word for word in English', () => {
    for (const key of KPI_CARD_KEYS) expect(en.kpi.definition[key]).toBe(KPI_DEFINITIONS[key]);
  });
});
