import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
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
  it('shows rank, initials, name, a change of place only when there is one, compact revenue and the gap to the next rank in English', () => {
    // 1 250 M − 980.5 M = 269.5 M; 980.5 M − 75 M = 905.5 M; 75 M − 0 = 75 M.
    expect(renderRows('en')).toEqual([
      '1 AL Ayu Lestari ▲ Up 2 Rp 1.3B Rp 269.5M ahead',
      '2 BS Budi Santoso ▼ Down 1 Rp 980.5M Rp 269.5M behind #1',
      '3 CI Citra Rp 75M Rp 905.5M behind #2',
      '4 DA Dewi Anggraini ★ New Rp 0 Rp 75M behind #3',
    ]);
  });

  it('shows the same standings in Bahasa Indonesia with Indonesian number forms', () => {
    expect(renderRows('id')).toEqual([
      '1 AL Ayu Lestari ▲ Naik 2 Rp 1,3 M unggul Rp 269,5 jt',
      '2 BS Budi Santoso ▼ Turun 1 Rp 980,5 jt Rp 269,5 jt di belakang #1',
      '3 CI Citra Rp 75 jt Rp 905,5 jt di belakang #2',
      '4 DA Dewi Anggraini ★ Baru Rp 0 Rp 75 jt di belakang #3',
    ]);
  });

  it('shows a shared rank as tied and a rep with nothing yet without a rank or movement', () => {
    const shown = [
      makeLeaderboardRow({ rank: 1, id: 'rep-ayu', name: 'Ayu Lestari', value: '200000000.00', movement: 0 }),
      makeLeaderboardRow({ rank: 1, id: 'rep-budi', name: 'Budi Santoso', value: '200000000.00', movement: 1 }),
      makeLeaderboardRow({ rank: null, id: 'rep-citra', name: 'Citra', value: '0.00', movement: null }),
    ];
    // Tied reps show no gap between them; holding a place is no news on the wall ("Same" is not shown).
    expect(renderRows('en', shown)).toEqual(['=1 AL Ayu Lestari Rp 200M', '=1 BS Budi Santoso ▲ Up 1 Rp 200M', '– CI Citra Rp 0 Rp 200M behind #1']);
    const wrapper = mount(RevenueLeaderboard, { props: { rows: shown, currency: 'IDR' }, global: { plugins: [createAppI18n('id')] } });
    expect(wrapper.findAll('.rank').map((rank) => rank.attributes('aria-label'))).toEqual(['Seri di peringkat 1', 'Seri di peringkat 1', 'Belum berperingkat']);
  });

  it('shows the top eight only, so every name reads from across the floor', () => {
    const many = Array.from({ length: 14 }, (_, index) => makeLeaderboardRow({ rank: index + 1, id: `rep-${index}`, name: `Rep ${index + 1}` }));
    const shown = renderRows('en', many);
    expect(shown).toHaveLength(8);
    expect(shown.at(-1)).toContain('Rep 8');
  });

  it('says so when nobody has won a deal this month', () => {
    const wrapper = mount(RevenueLeaderboard, {
      props: { rows: [], currency: 'IDR' },
      global: { plugins: [createAppI18n('id')] },
    });
    expect(wrapper.text()).toBe('Belum ada deal yang dimenangkan bulan ini');
  });

  it('a new figure that keeps the order updates the rows it changed without measuring the list for a slide; a new order slides', async () => {
    const wrapper = mount(RevenueLeaderboard, {
      props: { rows, currency: 'IDR' },
      // The real TransitionGroup, which measures every row whenever it renders.
      global: { plugins: [createAppI18n('en')], stubs: { 'transition-group': false } },
    });
    const measured = vi.spyOn(Element.prototype, 'getBoundingClientRect');
    const texts = () => wrapper.findAll('[data-testid="leaderboard-row"]').map((row) => readableText(row.element));
    const ayu = wrapper.find('[data-rep="rep-ayu"]').element;

    // Citra closes a deal of Rp 25M and stays third.
    await wrapper.setProps({ rows: rows.map((row) => (row.id === 'rep-citra' ? { ...row, value: '100000000.00' } : row)) });
    expect(texts()[2]).toBe('3 CI Citra Rp 100M Rp 880.5M behind #2');
    expect(texts()[3]).toBe('4 DA Dewi Anggraini ★ New Rp 0 Rp 100M behind #3');
    expect(measured).not.toHaveBeenCalled();
    expect(wrapper.find('[data-rep="rep-ayu"]').element).toBe(ayu);

    // Budi overtakes Ayu: the list renders and measures its rows to slide them.
    await wrapper.setProps({
      rows: [{ ...rows[1], rank: 1, value: '1300000000.00' }, { ...rows[0], rank: 2 }, ...rows.slice(2)],
    });
    expect(wrapper.findAll('[data-testid="leaderboard-row"]').map((row) => [row.attributes('data-rep'), row.attributes('data-rank')])).toEqual([
      ['rep-budi', '1'],
      ['rep-ayu', '2'],
      ['rep-citra', '3'],
      ['rep-dewi', '4'],
    ]);
    expect(measured).toHaveBeenCalled();
    measured.mockRestore();
  });
});
