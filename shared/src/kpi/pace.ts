/**
 * Pace against quota while a period is under way: what is still to win, spread over the working
 * days left. A bare "45% of quota" on the 7th says little; "needs Rp 12 M a working day" says what to do.
 */
import type { MoneyString } from '../domain.js';
import { toMinor } from '../money.js';

export type QuotaPace =
  /** Revenue has reached the quota. */
  | { kind: 'reached' }
  /** Quota − revenue over the working days left (at least one), rounded up to the minor unit: enough, never short. */
  | { kind: 'needed'; perWorkingDayMinor: bigint; workingDaysLeft: number };

/** null without a quota, or when the period is not under way (over, or not begun): there is no pace to keep. */
export function quotaPace(revenue: MoneyString, quota: MoneyString | null, elapsedShare: number, workingDaysLeft: number): QuotaPace | null {
  if (quota === null || elapsedShare <= 0 || elapsedShare >= 1) return null;
  const remaining = toMinor(quota) - toMinor(revenue);
  if (remaining <= 0n) return { kind: 'reached' };
  // On a last day that is a weekend, what is left is still needed: one day, not a division by zero.
  const days = Math.max(1, workingDaysLeft);
  const divisor = BigInt(days);
  return { kind: 'needed', perWorkingDayMinor: (remaining + divisor - 1n) / divisor, workingDaysLeft: days };
}
