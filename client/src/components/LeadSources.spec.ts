import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import LeadSources from './LeadSources.vue';

const ROWS = [
  { source: 'Website', created: 8, converted: 2, conversion: 0.25 },
  { source: 'Referral', created: 4, converted: 0, conversion: 0 },
];

function render(rows = ROWS, locale: 'en' | 'id' = 'en') {
  return mount(LeadSources, { props: { rows, currency: 'IDR' }, global: { plugins: [createAppI18n(locale)] } });
}

describe('LeadSources', () => {
  it('shows each source with its leads, those converted and the share, the largest source filling the track', () => {
    const panel = render();
    const rows = panel.findAll('[data-testid="lead-source-row"]');
    expect(rows.map((row) => [row.get('.name').text(), row.get('.figures').text(), row.get('.conversion').text()])).toEqual([
      ['Website', '2 of 8 converted', '25%'],
      ['Referral', '0 of 4 converted', '0%'],
    ]);
    expect(rows[0].get('.created').attributes('style')).toContain('width: 100%');
    expect(rows[0].get('.converted').attributes('style')).toContain('width: 25%');
    expect(rows[1].get('.created').attributes('style')).toContain('width: 50%');
  });

  it('speaks Bahasa Indonesia, and says when no lead was created', () => {
    expect(render(ROWS, 'id').get('.figures').text()).toBe('2 dari 8 dikonversi');
    expect(render([], 'id').get('[data-testid="lead-sources-empty"]').text()).toBe('Tidak ada lead yang dibuat dalam periode ini.');
  });
});
