import type { Kpis } from '@salesboard/shared';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import { createFormatters } from '@/i18n/format';
import { buildKpiCards } from './kpi-cards';

function kpis(overrides: Partial<Kpis> = {}): Kpis {
  return {
    revenue: '1200000000.00',
    quota: '2000000000.00',
    attainment: 0.6,
    growth: 0.2,
    incremental: '200000000.00',
    won: 12,
    lost: 8,
    winRate: 0.6,
    avgDealSize: '100000000.00',
    cycleDays: 30,
    cycleDaysMedian: 28,
    openPipeline: '5000000000.00',
    weightedPipeline: '2100000000.00',
    coverage: 1.5,
    velocity: '40000000.00',
    forecast: { closed: '1200000000.00', commit: '1600000000.00', bestCase: '2300000000.00', weighted: '1900000000.00', runRate: '2400000000.00' },
    returnOnSales: 0.35,
    returnOnSalesRevenueShare: 1,
    leadConversion: 0.25,
    activities: { call: 40, email: 30, meeting: 20, demo: 10, total: 100, perRepPerDay: 2.5 },
    ...overrides,
  };
}

const plain = (text: string | undefined) => text?.replace(/\s/g, ' ');

function cards(locale: 'en' | 'id', current: Kpis, previous: Kpis | null) {
  const { t } = createAppI18n(locale).global;
  return Object.fromEntries(buildKpiCards(current, previous, createFormatters(locale === 'id' ? 'id-ID' : 'en-US', 'IDR'), t).map((card) => [card.key, card]));
}

describe('KPI cards', () => {
  it('says on each trend what it compares with, and against last year works growth out from that span', () => {
    const { t } = createAppI18n('en').global;
    const format = createFormatters('en-US', 'IDR');
    const lastYear = kpis({ revenue: '800000000.00', growth: 9, incremental: '1.00' });
    const build = (kind: 'previous' | 'lastYear') =>
      Object.fromEntries(buildKpiCards(kpis(), lastYear, format, t, 0.25, { comparison: { kind, span: 'Dec 1 – 7, 2025' } }).map((card) => [card.key, card]));
    const previous = build('previous');
    expect(previous.revenue.trend).toEqual({ direction: 'up', text: '+50%', good: true, against: 'Dec 1 – 7, 2025' });
    // Against the previous period the server's growth stands.
    expect(previous.growth.value).toBe('+20%');
    expect(previous.growth.note).toBe('Against Dec 1 – 7, 2025');
    const year = build('lastYear');
    // (1.2 B − 0.8 B) ÷ 0.8 B, and the difference, from the span loaded.
    expect(year.growth.value).toBe('+50%');
    expect(plain(year.growth.detail)).toBe('Incremental +Rp 400M');
  });

  it('gives the pace against quota while the period is under way: needed a working day, or reached', () => {
    const { t } = createAppI18n('en').global;
    const format = createFormatters('en-US', 'IDR');
    const revenueCard = (current: Kpis, elapsed: number, left: number | null) =>
      buildKpiCards(current, null, format, t, elapsed, { workingDaysLeft: left }).find((card) => card.key === 'revenue');
    // 2 B − 1.2 B over 16 working days: 50 M a day.
    expect(plain(revenueCard(kpis(), 0.25, 16)?.detail)).toBe('12 deals won · 60% of Rp 2B quota · needs Rp 50M a working day');
    expect(plain(revenueCard(kpis({ revenue: '2100000000.00', attainment: 1.05 }), 0.5, 10)?.detail)).toBe('12 deals won · 105% of Rp 2B quota · quota reached');
    // Over: no pace to keep, the share gone by as before.
    expect(plain(revenueCard(kpis(), 1, 0)?.detail)).toBe('12 deals won · 60% of Rp 2B quota · pace 100%');
    const { t: tId } = createAppI18n('id').global;
    const id = buildKpiCards(kpis(), null, createFormatters('id-ID', 'IDR'), tId, 0.25, { workingDaysLeft: 16 }).find((card) => card.key === 'revenue');
    expect(plain(id?.detail)).toContain('perlu Rp 50 jt per hari kerja');
  });

  it('says how each figure moved against the previous period, with the arrow direction and whether it is good news', () => {
    const now = cards('en', kpis(), kpis({ revenue: '1000000000.00', attainment: 0.5, cycleDays: 32, winRate: 0.6, coverage: 1.7 }));

    expect(plain(now.revenue.value)).toBe('Rp 1.2B');
    expect(now.revenue.trend).toEqual({ direction: 'up', text: '+20%', good: true });
    expect(now.coverage.trend).toEqual({ direction: 'down', text: '−0.2×', good: false });
    // Fewer days to close is better news, though the number went down.
    expect(now.cycleDays.trend).toEqual({ direction: 'down', text: '−2 days', good: true });
    expect(now.winRate.trend).toEqual({ direction: 'flat', text: '0 pts', good: null });
  });

  it('has no trend without a previous period, and none for what is a level now rather than a flow', () => {
    const now = cards('en', kpis(), null);

    expect(now.revenue.trend).toBeNull();
    expect(now.openPipeline.trend).toBeUndefined();
    expect(now.openPipeline.note).toBe('Open deals now, not per period');
  });

  it('shows undefined ratios as a dash, never NaN', () => {
    const now = cards('en', kpis({ attainment: null, quota: null, winRate: null, cycleDays: null, velocity: null }), kpis());

    expect(now.winRate.value).toBe('–');
    expect(now.revenue.detail).toBe('12 deals won · no quota set');
    expect(now.revenue.progress).toBeUndefined();
    expect(now.winRate.trend).toBeNull();
    expect(now.velocity.value).toBe('–');
    expect(plain(now.forecast.detail)).toBe('commit Rp 1.6B');
  });

  it('shows return on sales as unknown, not 0 %, when no won deal has a known margin, and the share it covers otherwise', () => {
    const none = cards('en', kpis({ returnOnSales: null, returnOnSalesRevenueShare: 0 }), kpis());
    expect([none.returnOnSales.value, none.returnOnSales.detail, none.returnOnSales.trend]).toEqual(['unknown', 'no won deal has a known margin', null]);
    const part = cards('en', kpis({ returnOnSales: 0.3, returnOnSalesRevenueShare: 0.62 }), null);
    expect([part.returnOnSales.value, part.returnOnSales.detail]).toEqual(['30%', 'over 62% of revenue']);
    expect(cards('en', kpis(), null).returnOnSales.detail).toBeUndefined(); // every won deal's margin known
    const id = cards('id', kpis({ returnOnSales: null, returnOnSalesRevenueShare: 0 }), null);
    expect([id.returnOnSales.value, id.returnOnSales.detail]).toEqual(['tidak diketahui', 'tak ada deal menang dengan margin yang diketahui']);
    expect(cards('id', kpis({ returnOnSalesRevenueShare: 0.62 }), null).returnOnSales.detail).toBe('atas 62% pendapatan');
  });

  it('tells the weighted pipeline (every open deal) from the forecast’s weighted figure', () => {
    expect(cards('en', kpis(), null).weightedPipeline.detail).toBe('all open deals, any close date');
    expect(cards('id', kpis(), null).weightedPipeline.detail).toBe('semua deal terbuka, kapan pun tutupnya');
  });

  it('words and formats everything in Bahasa Indonesia', () => {
    const now = cards('id', kpis(), kpis({ revenue: '1000000000.00' }));

    expect(plain(now.revenue.value)).toBe('Rp 1,2 M');
    expect(plain(now.revenue.detail)).toBe('12 deal menang · 60% dari kuota Rp 2 M');
    expect(now.revenue.trend?.text).toBe('+20%');
    expect(now.coverage.value).toBe('1,5×');
  });

  it('puts revenue against quota with the pace of the period on the revenue card, and the forecast beside it', () => {
    const { t } = createAppI18n('en').global;
    const byKey = Object.fromEntries(buildKpiCards(kpis(), null, createFormatters('en-US', 'IDR'), t, 0.25).map((card) => [card.key, card]));

    expect(plain(byKey.revenue.detail)).toBe('12 deals won · 60% of Rp 2B quota · pace 25%');
    expect(byKey.revenue.progress).toEqual({ fill: 0.6, pace: 0.25 });
    expect(plain(byKey.forecast.value)).toBe('Rp 1.9B');
    expect(plain(byKey.forecast.detail)).toBe('95% of quota · commit Rp 1.6B');
    expect(byKey.attainment).toBeUndefined();
  });

  it('writes every falling trend and negative change with the one minus sign, U+2212, and no words saying it again', () => {
    const previous = kpis({ revenue: '2400000000.00', winRate: 0.7, cycleDays: 20, avgDealSize: '200000000.00', coverage: 2, returnOnSales: 0.4 });
    for (const locale of ['en', 'id'] as const) {
      const now = cards(locale, kpis({ growth: -0.48, incremental: '-1900000000.00' }), previous);
      const texts = Object.values(now).flatMap((card) => [card.value, card.detail ?? '', card.trend?.text ?? '']);
      expect(
        texts.filter((text) => text.includes('-')),
        locale,
      ).toEqual([]);
      expect(now.revenue.trend?.text).toBe('\u221250%');
      expect(now.growth.value).toBe('\u221248%');
      expect(plain(now.growth.detail)).toContain('\u2212Rp');
      expect(now.winRate.trend?.text).toMatch(/^\u221210 (pts|poin)$/);
    }
  });
});
