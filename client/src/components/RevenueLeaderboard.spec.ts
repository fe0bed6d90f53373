import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n, type AppLocale } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import { makeLeaderboardRow } from '@/test-support/live-fixtures';
import RevenueLeaderboard from './RevenueLeaderboard.vue';

const rows = [
  makeLeaderboardRow({ rank: 1, id: 'rep-ayu', name: 'Ayu Lestari', value: '1250000000.00', movement: 2 }),
  makeLeaderboardRow({ rank: 2, id: 'rep-budi', name: 'Budi Santoso', value: '980500000.00', movement: -1 }),
  makeLeaderboardRow({ rank: 3, id: 'rep-citra', name: 'Citra', value: '75000000.00', movement: 0 }),
  makeLeaderboardRow({ rank: 4, id: 'rep-dewi', name: 'Dewi Anggraini', value: '0.00', movement: null }),
];

function renderRows(locale: AppLocale, shown = rows) {
  const wrapper = mount(RevenueLeaderboard, {
    props: { rows: shown, currency: 'IDR' },
    global: { plugins: [createAppI18n(locale)] },
  });
  return wrapper.findAll('[data-testid="leaderboard-row"]').map((row) => readableText(row.element));
}

describe('RevenueLeaderboard', () => {
  it('shows rank, initials, name, compact revenue and movement in English', () => {
    expect(renderRows('en')).toEqual([
      '1 AL Ayu Lestari Rp 1.3B ▲ Up 2',
      '2 BS Budi Santoso Rp 980.5M ▼ Down 1',
      '3 CI Citra Rp 75M – Same',
      '4 DA Dewi Anggraini Rp 0 ★ New',
    ]);
  });

  it('shows the same standings in Bahasa Indonesia with Indonesian number forms', () => {
    expect(renderRows('id')).toEqual([
      '1 AL Ayu Lestari Rp 1,3 M ▲ Naik 2',
      '2 BS Budi Santoso Rp 980,5 jt ▼ Turun 1',
      '3 CI Citra Rp 75 jt – Tetap',
      '4 DA Dewi Anggraini Rp 0 ★ Baru',
    ]);
  });

  it('shows a shared rank as tied and a rep with nothing yet without a rank or movement', () => {
    const shown = [
      makeLeaderboardRow({ rank: 1, id: 'rep-ayu', name: 'Ayu Lestari', value: '200000000.00', movement: 0 }),
      makeLeaderboardRow({ rank: 1, id: 'rep-budi', name: 'Budi Santoso', value: '200000000.00', movement: 1 }),
      makeLeaderboardRow({ rank: null, id: 'rep-citra', name: 'Citra', value: '0.00', movement: null }),
    ];
    expect(renderRows('en', shown)).toEqual(['=1 AL Ayu Lestari Rp 200M – Same', '=1 BS Budi Santoso Rp 200M ▲ Up 1', '– CI Citra Rp 0']);
    const wrapper = mount(RevenueLeaderboard, { props: { rows: shown, currency: 'IDR' }, global: { plugins: [createAppI18n('id')] } });
    expect(wrapper.findAll('.rank').map((rank) => rank.attributes('aria-label'))).toEqual(['Seri di peringkat 1', 'Seri di peringkat 1', 'Belum berperingkat']);
  });

  it('shows the top ten only, so the list fits the screen', () => {
    const many = Array.from({ length: 14 }, (_, index) => makeLeaderboardRow({ rank: index + 1, id: `rep-${index}`, name: `Rep ${index + 1}` }));
    const shown = renderRows('en', many);
    expect(shown).toHaveLength(10);
    expect(shown.at(-1)).toContain('Rep 10');
  });

  it('says so when nobody has won a deal this month', () => {
    const wrapper = mount(RevenueLeaderboard, {
      props: { rows: [], currency: 'IDR' },
      global: { plugins: [createAppI18n('id')] },
    });
    expect(wrapper.text()).toBe('Belum ada deal yang dimenangkan bulan ini');
  });
});
