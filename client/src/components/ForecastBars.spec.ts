import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import ForecastBars from './ForecastBars.vue';

const forecast = { closed: '600000000.00', commit: '900000000.00', bestCase: '1300000000.00', weighted: '1000000000.00', runRate: null };

describe('ForecastBars', () => {
  it('sets closed, commit, best case, weighted and run rate against the quota, in words as well as bars', () => {
    const wrapper = mount(ForecastBars, {
      props: { forecast, quota: '1200000000.00', currency: 'IDR', compact: true },
      global: { plugins: [createAppI18n('en')] },
    });

    expect(readableText(wrapper.get('.quota-legend').element)).toBe('Quota Rp 1.2B');
    expect(wrapper.findAll('li').map((item) => readableText(item.element))).toEqual([
      'Closed Rp 600M 50% of quota',
      'Commit Rp 900M 75% of quota',
      'Best case Rp 1.3B ✓ 108.3% of quota',
      'Weighted forecast Rp 1B 83.3% of quota',
      'Run rate –',
    ]);
  });

  it('names its weighted figure apart from the weighted pipeline, and says which deals it weighs where there is room', () => {
    const wide = (locale: 'en' | 'id') =>
      readableText(
        mount(ForecastBars, { props: { forecast, quota: null, currency: 'IDR' }, global: { plugins: [createAppI18n(locale)] } }).get(
          'li[data-key="weighted"] .label',
        ).element,
      );
    expect(wide('en')).toBe('Weighted forecast won + open deals closing this period × win probability');
    expect(wide('id')).toBe('Perkiraan tertimbang menang + deal terbuka yang tutup periode ini × peluang menang');
  });

  it('says when there is no quota to compare with', () => {
    const wrapper = mount(ForecastBars, { props: { forecast, quota: null, currency: 'IDR' }, global: { plugins: [createAppI18n('id')] } });

    expect(readableText(wrapper.get('.quota-legend').element)).toBe('Kuota belum ditetapkan');
    expect(readableText(wrapper.findAll('li')[0].element)).toBe('Tertutup Rp 600.000.000');
  });
});
