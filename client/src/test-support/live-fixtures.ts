/** Builders for snapshots and live events in tests: realistic defaults, one override per test. */
import { DEFAULT_STAGES, type ActivityType, type Deal, type LeaderboardRow, leaderboardFingerprint, type LiveEvent, type Snapshot } from '@salesboard/shared';

export const AT = '2026-11-28T07:05:00.000Z';

export function makeDeal(overrides: Partial<Deal> = {}): Deal {
  return {
    id: 'deal-maju-jaya',
    source: 'ui',
    externalId: null,
    name: 'CRM licences',
    accountId: 'account-maju-jaya',
    accountName: 'PT Maju Jaya',
    productId: null,
    ownerId: 'rep-ayu',
    ownerName: 'Ayu Lestari',
    teamId: null,
    territoryId: null,
    amount: '1000000.00',
    currency: 'IDR',
    // An IDR deal in an IDR organisation: the same amount.
    amountInOrgCurrency: overrides.amount ?? '1000000.00',
    stage: 'lead',
    forecastCategory: 'pipeline',
    forecastOverride: null,
    createdAt: AT,
    expectedCloseDate: null,
    closedAt: null,
    stageEnteredAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

export function makeLeaderboardRow(overrides: Partial<LeaderboardRow> = {}): LeaderboardRow {
  return { rank: 1, id: 'rep-ayu', name: 'Ayu Lestari', value: '1250000000.00', movement: 2, ...overrides };
}

/** Seq 10, the default pipeline: 2 deals (Rp 3 jt) in Lead, 1 (Rp 5 jt) in Proposal. */
export function makeSnapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    seq: 10,
    at: AT,
    currency: 'IDR',
    timeZone: 'Asia/Jakarta',
    stages: [...DEFAULT_STAGES],
    teams: [],
    territories: [],
    reps: [],
    pipeline: [
      { stage: 'lead', count: 2, amount: '3000000.00' },
      { stage: 'proposal', count: 1, amount: '5000000.00' },
    ],
    leaderboard: [makeLeaderboardRow()],
    feed: [],
    ...overrides,
  };
}

export const liveEvent = {
  created: (seq: number, deal: Deal = makeDeal()): LiveEvent<'deal.created'> => ({
    seq,
    type: 'deal.created',
    at: AT,
    payload: { deal },
  }),
  moved: (seq: number, deal: Deal, from: string, to: string): LiveEvent<'deal.stageChanged'> => ({
    seq,
    type: 'deal.stageChanged',
    at: AT,
    payload: { deal: { ...deal, stage: to }, from, to },
  }),
  won: (seq: number, deal: Deal, from: string): LiveEvent<'deal.won'> => ({
    seq,
    type: 'deal.won',
    at: AT,
    payload: { deal: { ...deal, stage: 'won', closedAt: AT }, from, to: 'won' },
  }),
  lost: (seq: number, deal: Deal, from: string): LiveEvent<'deal.lost'> => ({
    seq,
    type: 'deal.lost',
    at: AT,
    payload: { deal: { ...deal, stage: 'lost', closedAt: AT }, from, to: 'lost' },
  }),
  amountChanged: (seq: number, deal: Deal, previousAmount: string): LiveEvent<'deal.updated'> => ({
    seq,
    type: 'deal.updated',
    at: AT,
    payload: { deal, changed: ['amount'], previous: { amount: previousAmount } },
  }),
  activity: (seq: number, type: ActivityType, repName = 'Ayu Lestari'): LiveEvent<'activity.logged'> => ({
    seq,
    type: 'activity.logged',
    at: AT,
    payload: {
      activity: { id: `activity-${seq}`, type, repId: 'rep-ayu', dealId: null, note: null, at: AT },
      repName,
    },
  }),
  leaderboard: (
    seq: number,
    rows: LeaderboardRow[],
    board: { metric: string; period: string; scope: string } = { metric: 'revenue', period: 'month', scope: 'all' },
  ): LiveEvent<'leaderboard.updated'> => ({
    seq,
    type: 'leaderboard.updated',
    at: AT,
    payload: { ...board, rows },
  }),
  /** A delta over `base` (the rows it was made from): `changed` rows whole, `removed` ids. */
  leaderboardDelta: (
    seq: number,
    base: LeaderboardRow[],
    changed: LeaderboardRow[],
    removed: string[] = [],
    board: { metric: string; period: string; scope: string } = { metric: 'revenue', period: 'month', scope: 'all' },
  ): LiveEvent<'leaderboard.updated'> => ({
    seq,
    type: 'leaderboard.updated',
    at: AT,
    payload: { ...board, base: leaderboardFingerprint(base), changed, removed },
  }),
};
