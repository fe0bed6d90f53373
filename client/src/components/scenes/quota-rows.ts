import { toMinor, type KpiBreakdownRow } from '@salesboard/shared';
import { computed, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useFormatters } from '@/composables/use-formatters';

/** The track's end: 125% of quota, so over-achievers still show how far over they are. */
export const QUOTA_TOP = 1.25;

export type QuotaStatus = 'reached' | 'ahead' | 'behind' | 'none';

export interface QuotaRow {
  id: string;
  name: string;
  status: QuotaStatus;
  /** Attainment (1 = quota), null without a quota. */
  share: number | null;
  /** Share of the track (0–100) the fill covers. */
  fill: number;
  percent: string;
  amounts: string;
  statusText: string;
}

export const STATUS_ICONS: Record<QuotaStatus, string> = { reached: '★', ahead: '▲', behind: '▼', none: '–' };

/** Where a share of quota sits on the track, 0–100. */
export function trackPosition(share: number): number {
  return (Math.min(Math.max(share, 0), QUOTA_TOP) / QUOTA_TOP) * 100;
}

/**
 * The quota scene's rows, as both of its layouts (thermometers, bars) show them: status against
 * the pace of the period, the fill, the figures in compact money.
 */
export function useQuotaRows(props: { rows: KpiBreakdownRow[]; elapsedShare: number; currency: string }): ComputedRef<QuotaRow[]> {
  const { t } = useI18n();
  const format = useFormatters(() => props.currency);
  return computed(() =>
    props.rows.map(({ id, name, kpis }) => {
      const attainment = kpis.attainment;
      const money = (minor: bigint) => format.value.compactMoney(minor);
      const revenue = money(toMinor(kpis.revenue));
      const status: QuotaStatus = attainment === null ? 'none' : attainment >= 1 ? 'reached' : attainment >= props.elapsedShare ? 'ahead' : 'behind';
      return {
        id,
        name,
        status,
        share: attainment,
        fill: attainment === null ? 0 : trackPosition(attainment),
        percent: attainment === null ? t('common.notAvailable') : format.value.percent(attainment),
        amounts: kpis.quota === null ? revenue : t('quota.ofQuota', { revenue, quota: money(toMinor(kpis.quota)) }),
        statusText: t(`quota.status.${status}`),
      };
    }),
  );
}
