import type { Deal, DealsQuery } from '@salesboard/shared';

/** What a chart was showing when it was clicked: the deals behind that number. */
export interface DrillDown {
  title: string;
  /** The list endpoint filters one stage at a time: one request per stage. Empty: every stage. */
  stages: string[];
  scope: Pick<DealsQuery, 'teamId' | 'territoryId' | 'repId'>;
  /** Narrowing the list endpoint cannot do: a closing date in the period, a forecast category. */
  match?: (deal: Deal) => boolean;
  /** Opens this deal's detail right away (a stuck deal clicked in its list). */
  dealId?: string;
}

export function closedWithin(period: { start: string; end: string }): (deal: Deal) => boolean {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  return (deal) => deal.closedAt !== null && Date.parse(deal.closedAt) >= start && Date.parse(deal.closedAt) < end;
}

/** Expected to close within the period's days (ISO dates compare as strings). */
export function closingWithin(period: { from: string; to: string }): (deal: Deal) => boolean {
  return (deal) => deal.expectedCloseDate !== null && deal.expectedCloseDate >= period.from && deal.expectedCloseDate <= period.to;
}
