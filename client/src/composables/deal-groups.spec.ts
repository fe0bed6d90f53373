import { DEFAULT_STAGES, fromMinor, sumMinor, toMinor, type Deal } from '@salesboard/shared';
import { describe, expect, it } from 'vitest';
import { makeDeal } from '@/test-support/live-fixtures';
import { DEAL_GROUP_KEYS, DEAL_SORT_KEYS, dealDate, groupDeals, sortDeals, type DealGroupContext } from './deal-groups';

const context: DealGroupContext = {
  stagePosition: (key) => DEFAULT_STAGES.find((stage) => stage.key === key)?.position ?? 0,
  stageLabel: (key) => DEFAULT_STAGES.find((stage) => stage.key === key)?.label ?? key,
};

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const OWNERS = [
  ['rep-ayu', 'Ayu Lestari'],
  ['rep-budi', 'Budi Santoso'],
  ['rep-citra', 'Citra Dewi'],
] as const;

function randomDeals(next: () => number): Deal[] {
  const count = Math.floor(next() * 25);
  return Array.from({ length: count }, (_, index) => {
    const stage = DEFAULT_STAGES[Math.floor(next() * DEFAULT_STAGES.length)];
    const [ownerId, ownerName] = OWNERS[Math.floor(next() * OWNERS.length)];
    const day = String(1 + Math.floor(next() * 28)).padStart(2, '0');
    return makeDeal({
      id: `deal-${index}`,
      accountName: `PT ${String.fromCharCode(65 + Math.floor(next() * 6))}`,
      // Amounts past 2^53 minor units too: totals are exact bigints, never floats.
      amount: fromMinor(BigInt(Math.floor(next() * 1e6)) * (next() < 0.1 ? 10n ** 12n : 100n)),
      stage: stage.key,
      ownerId,
      ownerName,
      closedAt: stage.kind === 'open' ? null : `2026-11-${day}T03:00:00.000Z`,
      stageEnteredAt: `2026-10-${day}T03:00:00.000Z`,
    });
  });
}

describe('deal groups', () => {
  it('puts every deal in exactly one group, and each group total is the sum of its rows, for any list, sort and grouping', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const deals = randomDeals(next);
      const sort = { key: DEAL_SORT_KEYS[Math.floor(next() * DEAL_SORT_KEYS.length)], descending: next() < 0.5 };
      const grouping = DEAL_GROUP_KEYS[Math.floor(next() * DEAL_GROUP_KEYS.length)];
      const groups = groupDeals(deals, sort, grouping, context);

      const shown = groups.flatMap((group) => group.deals.map((deal) => deal.id));
      expect(new Set(shown).size, `seed ${seed}`).toBe(deals.length);
      expect(shown.sort(), `seed ${seed}`).toEqual(deals.map((deal) => deal.id).sort());
      for (const group of groups) expect(group.totalMinor, `seed ${seed}`).toBe(sumMinor(group.deals.map((deal) => toMinor(deal.amount))));
      expect(sumMinor(groups.map((group) => group.totalMinor)), `seed ${seed}`).toBe(sumMinor(deals.map((deal) => toMinor(deal.amount))));
      if (grouping !== 'none') {
        for (const group of groups) {
          for (const deal of group.deals) expect(grouping === 'stage' ? deal.stage : deal.ownerId).toBe(group.key);
        }
      }
      // Within every group the rows keep the chosen order.
      for (const group of groups) expect(group.deals).toEqual(sortDeals(group.deals, sort, context));
    }
  });

  it('orders by the chosen key in either direction', () => {
    const deals = [
      makeDeal({ id: 'a', accountName: 'PT B', amount: '300.00', stage: 'proposal', ownerName: 'Citra', stageEnteredAt: '2026-11-02T00:00:00.000Z' }),
      makeDeal({ id: 'b', accountName: 'PT A', amount: '1000.00', stage: 'lead', ownerName: 'Ayu', stageEnteredAt: '2026-11-03T00:00:00.000Z' }),
      makeDeal({ id: 'c', accountName: 'PT C', amount: '20.00', stage: 'won', ownerName: 'Budi', closedAt: '2026-11-01T00:00:00.000Z' }),
    ];
    const ids = (key: (typeof DEAL_SORT_KEYS)[number], descending: boolean) => sortDeals(deals, { key, descending }, context).map((deal) => deal.id);

    expect(ids('amount', true)).toEqual(['b', 'a', 'c']);
    expect(ids('amount', false)).toEqual(['c', 'a', 'b']);
    expect(ids('name', false)).toEqual(['b', 'a', 'c']);
    expect(ids('owner', false)).toEqual(['b', 'c', 'a']);
    expect(ids('stage', false)).toEqual(['b', 'a', 'c']);
    // A won deal is dated by its close, an open one by its entry into its stage.
    expect(dealDate(deals[2])).toBe('2026-11-01T00:00:00.000Z');
    expect(ids('date', true)).toEqual(['b', 'a', 'c']);
  });

  it('lists stage groups in pipeline order and owner groups by name', () => {
    const deals = [makeDeal({ id: 'a', stage: 'won', ownerId: 'z', ownerName: 'Zahra' }), makeDeal({ id: 'b', stage: 'lead', ownerId: 'y', ownerName: 'Ayu' })];
    expect(groupDeals(deals, { key: 'amount', descending: true }, 'stage', context).map((group) => group.label)).toEqual(['Lead', 'Won']);
    expect(groupDeals(deals, { key: 'amount', descending: true }, 'owner', context).map((group) => group.label)).toEqual(['Ayu', 'Zahra']);
  });
});
