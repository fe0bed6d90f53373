/**
 * The quota of a scope for a period. Quotas are set per month or quarter; a period gets each
 * quota's share by calendar days: all of a quota that lies inside it, and for a week, a day or a
 * custom range the overlapping days' part (a 3 000 000 November quota gives a 7-day week 700 000).
 */
import type { PeriodRange } from './period.js';
import { addMonthsToMonthStart, fromDayNumber, isoDayNumber, REMEMBERED_DATES, toDayNumber } from './civil-date.js';
import { sumMinor } from '../money.js';
import { divRoundHalfUp } from './exact.js';
import type { Scope } from '../scope.js';
import type { QuotaRow, RepRow } from './rows.js';

type DayRange = Pick<PeriodRange, 'fromDate' | 'toDate'>;

/**
 * null when no quota touches the period. Team scope uses the team's own quotas when it has any
 * in the period, else the sum of its reps'; `all` adds that up over teams, plus reps without a
 * team; a territory is the sum of its reps'. Month and quarter quotas of one owner add up.
 */
export function quotaForScope(quotas: readonly QuotaRow[], reps: readonly RepRow[], scope: Scope, range: DayRange): bigint | null {
  const repQuota = (repIds: readonly string[]) => {
    const ids = new Set(repIds);
    return sumShares(
      quotas.filter((q) => q.repId !== null && ids.has(q.repId)),
      range,
    );
  };
  const repsWhere = (test: (rep: RepRow) => boolean) => reps.filter(test).map((rep) => rep.id);
  const teamQuota = (teamId: string) =>
    sumShares(
      quotas.filter((q) => q.teamId === teamId),
      range,
    ) ?? repQuota(repsWhere((rep) => rep.teamId === teamId));

  switch (scope.kind) {
    case 'rep':
      return repQuota([scope.id]);
    case 'territory':
      return repQuota(repsWhere((rep) => rep.territoryId === scope.id));
    case 'team':
      return teamQuota(scope.id);
    case 'all': {
      const teamIds = new Set([...reps.map((rep) => rep.teamId), ...quotas.map((q) => q.teamId)].filter(isString));
      const parts = [...teamIds].map(teamQuota);
      parts.push(repQuota(repsWhere((rep) => rep.teamId === null)));
      return addNullable(parts);
    }
  }
}

/** The part of one quota that falls in the period, rounded half up to minor units; null when none does. */
export function quotaShareMinor(quota: QuotaRow, range: DayRange): bigint | null {
  const quotaStart = isoDayNumber(quota.periodStart);
  const quotaEnd = quotaEndDay(quotaStart, quota.period);
  const overlapStart = Math.max(quotaStart, isoDayNumber(range.fromDate));
  const overlapEnd = Math.min(quotaEnd, isoDayNumber(range.toDate) + 1);
  const overlapDays = overlapEnd - overlapStart;
  if (overlapDays <= 0) return null;
  if (overlapDays === quotaEnd - quotaStart) return quota.amountMinor;
  return divRoundHalfUp(quota.amountMinor * BigInt(overlapDays), BigInt(quotaEnd - quotaStart));
}

const quotaEnds = new Map<string, number>();

/** The day after a month's or quarter's quota ends, remembered: the same few starts come up for every scope and period. */
function quotaEndDay(startDay: number, period: QuotaRow['period']): number {
  const key = `${startDay}|${period}`;
  let end = quotaEnds.get(key);
  if (end === undefined) {
    end = toDayNumber(addMonthsToMonthStart(fromDayNumber(startDay), period === 'month' ? 1 : 3));
    if (quotaEnds.size >= REMEMBERED_DATES) quotaEnds.clear();
    quotaEnds.set(key, end);
  }
  return end;
}

function sumShares(quotas: readonly QuotaRow[], range: DayRange): bigint | null {
  return addNullable(quotas.map((quota) => quotaShareMinor(quota, range)));
}

function isString(value: string | null): value is string {
  return value !== null;
}

function addNullable(values: readonly (bigint | null)[]): bigint | null {
  const present = values.filter((value): value is bigint => value !== null);
  return present.length === 0 ? null : sumMinor(present);
}
