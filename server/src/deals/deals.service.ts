import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Deal, DealHistoryEntry, DealsQuery } from '@salesboard/shared';
import { canSeeDeal, type Principal } from '../auth/principal.js';
import { notFound } from '../common/errors.js';
import { hiddenDeal } from './deal-commands.service.js';
import { findDealHistory } from './deal-history.query.js';
import { findDeal, findDeals, visibleTo } from './deal.query.js';

/** Reading deals as the caller may see them. Every write is DealCommands'. */
@Injectable()
export class DealsService {
  constructor(private readonly dataSource: DataSource) {}

  /** A rep lists their own deals, a manager their teams'; the filters narrow that further. */
  list(query: DealsQuery, principal?: Principal): Promise<Deal[]> {
    return findDeals(this.dataSource.manager, query, principal ? visibleTo(principal) : undefined);
  }

  async get(id: string, principal?: Principal): Promise<Deal> {
    const deal = await findDeal(this.dataSource.manager, id);
    if (principal && !(deal && canSeeDeal(principal, deal))) throw hiddenDeal(principal, id);
    if (!deal) throw notFound('deal', id);
    return deal;
  }

  /**
   * What happened to a deal and who did it, oldest first; readable by whoever may read the deal.
   * A deal deleted in its CRM keeps its history, readable by whoever could read it before.
   */
  async history(id: string, principal?: Principal): Promise<DealHistoryEntry[]> {
    const deal = await findDeal(this.dataSource.manager, id);
    if (deal && principal && !canSeeDeal(principal, deal)) throw hiddenDeal(principal, id);
    const { entries, last } = await findDealHistory(this.dataSource.manager, id);
    const known = deal ?? last;
    if (!known || (principal && !canSeeDeal(principal, known))) throw principal ? hiddenDeal(principal, id) : notFound('deal', id);
    return entries;
  }
}
