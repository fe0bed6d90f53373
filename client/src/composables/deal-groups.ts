import { orgAmountMinorOf, sumMinor, type Deal } from '@salesboard/shared';

export const DEAL_SORT_KEYS = ['amount', 'name', 'owner', 'stage', 'date'] as const;
export type DealSortKey = (typeof DEAL_SORT_KEYS)[number];
export const DEAL_GROUP_KEYS = ['none', 'stage', 'owner'] as const;
export type DealGroupKey = (typeof DEAL_GROUP_KEYS)[number];

export interface DealSort {
  key: DealSortKey;
  descending: boolean;
}

export interface DealGroup {
  /** The stage key or owner id; '' for the one group of an ungrouped list. */
  key: string;
  label: string;
  deals: Deal[];
  /** Σ of the amounts of `deals`, minor units: exactly the rows shown under it. */
  totalMinor: bigint;
}

/** What the list is ordered and grouped by needs from the organisation: stage order and labels. */
export interface DealGroupContext {
  stagePosition(key: string): number;
  stageLabel(key: string): string;
}

/**
 * The date a deal is read by: when it closed for a won or lost deal, else when it entered its
 * stage. Newest first when descending.
 */
export function dealDate(deal: Deal): string {
  return deal.closedAt ?? deal.stageEnteredAt;
}

function compareBy(key: DealSortKey, context: DealGroupContext): (a: Deal, b: Deal) => number {
  switch (key) {
    case 'amount':
      return (a, b) => {
        // In the organisation's currency, so USD 1,000 sorts beside Rp 15,850,250 and not beside Rp 1,000.
        const x = orgAmountMinorOf(a);
        const y = orgAmountMinorOf(b);
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'name':
      return (a, b) => (a.accountName ?? a.name).localeCompare(b.accountName ?? b.name);
    case 'owner':
      return (a, b) => a.ownerName.localeCompare(b.ownerName);
    case 'stage':
      return (a, b) => context.stagePosition(a.stage) - context.stagePosition(b.stage);
    case 'date':
      return (a, b) => dealDate(a).localeCompare(dealDate(b));
  }
}

/** Sorted by `sort`, ties broken by name then id so the order is stable whatever the list's arrival order. */
export function sortDeals(deals: readonly Deal[], sort: DealSort, context: DealGroupContext): Deal[] {
  const primary = compareBy(sort.key, context);
  const byName = compareBy('name', context);
  const direction = sort.descending ? -1 : 1;
  return [...deals].sort((a, b) => direction * primary(a, b) || byName(a, b) || a.id.localeCompare(b.id));
}

/**
 * The sorted deals in groups (by stage in pipeline order, by owner by name), each with its total.
 * Every deal is in exactly one group, so the groups' totals add up to the list's.
 */
export function groupDeals(deals: readonly Deal[], sort: DealSort, group: DealGroupKey, context: DealGroupContext): DealGroup[] {
  const sorted = sortDeals(deals, sort, context);
  if (group === 'none') return [{ key: '', label: '', deals: sorted, totalMinor: sumMinor(sorted.map(orgAmountMinorOf)) }];
  const groups = new Map<string, DealGroup>();
  for (const deal of sorted) {
    const key = group === 'stage' ? deal.stage : deal.ownerId;
    let entry = groups.get(key);
    if (!entry) {
      entry = { key, label: group === 'stage' ? context.stageLabel(deal.stage) : deal.ownerName, deals: [], totalMinor: 0n };
      groups.set(key, entry);
    }
    entry.deals.push(deal);
    entry.totalMinor += orgAmountMinorOf(deal);
  }
  const ordered = [...groups.values()];
  if (group === 'stage') ordered.sort((a, b) => context.stagePosition(a.key) - context.stagePosition(b.key));
  else ordered.sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
  return ordered;
}
