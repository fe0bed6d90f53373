/**
 * The in-memory aggregates behind every KPI and leaderboard: additive totals per scope
 * (`all`, `team:<id>`, `territory:<id>`, `rep:<id>`) and local day, plus each deal's last-known
 * facts. A change to a deal removes its old contribution and adds its new one, touching at most
 * four scopes: the cost of an event does not depend on how many deals there are. A period is
 * answered by summing its days (months where whole), never by scanning deals.
 */
import {
  type ActivityType,
  type Deal,
  emptyTotals,
  type ForecastCategory,
  type KpiTotals,
  type LoggedEvent,
  type PeriodRange,
  quotaForScope,
  type RateTable,
  type QuotaRow,
  type RepRow,
  type Scope,
  scopeKey,
  type Stage,
  type StageKind,
  toMinor,
} from '@salesboard/shared';
import {
  ACTIVITIES,
  type ActivityBucket,
  CLOSED,
  type ClosedBucket,
  CLOSING,
  type ClosingBucket,
  LEADS,
  type LeadBucket,
  type OpenTotals,
  signed,
} from './buckets.js';
import { CalendarSeries, type CycleStats, CycleSeries } from './calendar-series.js';
import { dayNumberOf, isoDateOf, type LocalCalendar } from './local-calendar.js';

/** What the aggregates remember of a deal: exactly what its contribution depends on. */
export interface DealFacts {
  ownerId: string;
  teamId: string | null;
  territoryId: string | null;
  /** In the organisation's currency (0 when the deal's currency has no rate on its day: see `unconverted`). */
  amountMinor: bigint;
  /** The deal's currency had no rate on its day: its amount is left out of every sum, never added unconverted. */
  unconverted: boolean;
  stage: string;
  stageKind: StageKind;
  probability: number;
  forecastCategory: ForecastCategory;
  createdAtMs: number;
  closedAtMs: number | null;
  expectedCloseDay: number | null;
  /** Basis points of the deal's product margin; null without a product or when its margin is unknown. */
  marginBp: number | null;
}

/** A deal as the event log or the database describes it, before stage and product are looked up. */
export interface DealInput {
  ownerId: string;
  teamId: string | null;
  territoryId: string | null;
  /** In the deal's own currency. */
  amountMinor: bigint;
  currency: string;
  stage: string;
  forecastCategory: ForecastCategory;
  createdAtMs: number;
  closedAtMs: number | null;
  expectedCloseDate: string | null;
  productId: string | null;
}

export interface LeadFacts {
  repId: string | null;
  createdDay: number;
  converted: boolean;
}

export interface NamedEntity {
  id: string;
  name: string;
  /** Local day it was created: a rep or team new today has no start-of-day rank. */
  createdDay: number;
}

export interface RepInfo extends RepRow, NamedEntity {}

/** Everything one scope adds up to. */
export class ScopeAggregates {
  readonly closed = new CalendarSeries(CLOSED);
  readonly cycles = new CycleSeries();
  readonly closing = new CalendarSeries(CLOSING);
  readonly activities = new CalendarSeries(ACTIVITIES);
  readonly leads = new CalendarSeries(LEADS);
  readonly open: OpenTotals = { count: 0, amountMinor: 0n, weightedCentiMinor: 0n };
}

/** A period as day numbers: the period's days and the compared span of the previous period (resolvePeriod), inclusive. */
export interface DaySpan {
  first: number;
  last: number;
  previousFirst: number;
  previousLast: number;
}

export class KpiAggregates {
  /** The last logged event these aggregates include. */
  seq = 0;
  readonly reps = new Map<string, RepInfo>();
  readonly teams = new Map<string, NamedEntity>();
  readonly territories = new Map<string, NamedEntity>();
  /** Basis points; null for a product whose margin is unknown. */
  private readonly productMargins = new Map<string, number | null>();
  private readonly quotasByRep = new Map<string, Map<string, QuotaRow>>();
  private readonly quotasByTeam = new Map<string, Map<string, QuotaRow>>();
  private readonly deals = new Map<string, DealFacts>();
  private readonly leadFacts = new Map<string, LeadFacts>();
  private readonly scopes = new Map<string, ScopeAggregates>();
  private readonly stages: Map<string, Stage>;

  constructor(
    readonly calendar: LocalCalendar,
    stages: readonly Stage[],
    /** Fixed for the aggregates' life: a rate change, or a day on which a rate starts, rebuilds them. */
    readonly rates: RateTable,
  ) {
    this.stages = new Map(stages.map((stage) => [stage.key, stage]));
  }

  get dealCount(): number {
    return this.deals.size;
  }

  scope(key: string): ScopeAggregates | undefined {
    return this.scopes.get(key);
  }

  // ---- changes -------------------------------------------------------------------------

  /**
   * Applies one logged event and returns the scope keys whose numbers it may have moved. Rep
   * and product changes need a database read first: the caller does those (upsertRep,
   * upsertProduct) and passes them on as a no-op here.
   */
  apply(event: LoggedEvent): Set<string> {
    switch (event.type) {
      case 'deal.created':
      case 'deal.updated':
      case 'deal.stageChanged':
      case 'deal.won':
      case 'deal.lost':
        return this.applyDeal(event.payload.deal.id, this.factsOfDeal(event.payload.deal));
      case 'activity.logged': {
        const { activity } = event.payload;
        return this.addActivity(activity.repId, activity.type, Date.parse(activity.at));
      }
      case 'lead.changed': {
        const { lead } = event.payload;
        return this.applyLead(lead.id, {
          repId: lead.repId,
          createdDay: this.calendar.dayOf(Date.parse(lead.createdAt)),
          converted: lead.status === 'converted' || lead.convertedDealId !== null,
        });
      }
      case 'quota.updated': {
        const { quota } = event.payload;
        return this.upsertQuota({
          repId: quota.repId,
          teamId: quota.teamId,
          period: quota.period,
          periodStart: quota.periodStart,
          amountMinor: toMinor(quota.amount),
        });
      }
      case 'org.changed': {
        const { entity, id, name } = event.payload;
        // A rename keeps the day the team or territory was created; only a new one is new today.
        const createdDay = (map: Map<string, NamedEntity>) => map.get(id)?.createdDay ?? this.calendar.dayOf(Date.parse(event.at));
        if (entity === 'team') return this.upsertNamed(this.teams, { id, name, createdDay: createdDay(this.teams) }, `team:${id}`);
        if (entity === 'territory') return this.upsertNamed(this.territories, { id, name, createdDay: createdDay(this.territories) }, `territory:${id}`);
        return new Set();
      }
      case 'deal.deleted':
        return this.applyDeal(event.payload.deal.id, null);
      case 'deals.imported':
        // A batch without per-row events: the store rebuilds from the database instead.
        return new Set();
    }
  }

  factsOfDeal(deal: Deal): DealFacts {
    return this.dealFacts({
      ownerId: deal.ownerId,
      teamId: deal.teamId,
      territoryId: deal.territoryId,
      amountMinor: toMinor(deal.amount),
      currency: deal.currency,
      stage: deal.stage,
      forecastCategory: deal.forecastCategory,
      createdAtMs: Date.parse(deal.createdAt),
      closedAtMs: deal.closedAt === null ? null : Date.parse(deal.closedAt),
      expectedCloseDate: deal.expectedCloseDate,
      productId: deal.productId,
    });
  }

  dealFacts(input: DealInput): DealFacts {
    const stage = this.stages.get(input.stage);
    if (!stage) throw new Error(`deal in unknown stage ${input.stage}`);
    // Closed: at the rate of its close day; open: at today's (a rate starting on a later day rebuilds the aggregates).
    const converted =
      input.currency === this.rates.orgCurrency
        ? input.amountMinor
        : this.rates.convert(input.amountMinor, input.currency, isoDateOf(this.calendar.dayOf(input.closedAtMs ?? Date.now())));
    return {
      ownerId: this.repKey(input.ownerId),
      teamId: input.teamId,
      territoryId: input.territoryId,
      amountMinor: converted ?? 0n,
      unconverted: converted === null,
      stage: stage.key,
      stageKind: stage.kind,
      probability: stage.probability,
      forecastCategory: input.forecastCategory,
      createdAtMs: input.createdAtMs,
      closedAtMs: input.closedAtMs,
      expectedCloseDay: input.expectedCloseDate === null ? null : dayNumberOf(input.expectedCloseDate),
      marginBp: input.productId === null ? null : (this.productMargins.get(input.productId) ?? null),
    };
  }

  /** Replaces what the aggregates know of a deal (null: forget it) and moves its contribution. */
  applyDeal(id: string, next: DealFacts | null): Set<string> {
    const previous = this.deals.get(id);
    if (previous && next && sameContribution(previous, next)) {
      this.deals.set(id, next);
      return new Set();
    }
    const touched = new Set<string>();
    if (previous) this.contributeDeal(previous, -1, touched);
    if (next) {
      this.deals.set(id, next);
      this.contributeDeal(next, 1, touched);
    } else {
      this.deals.delete(id);
    }
    return touched;
  }

  addActivity(repId: string, type: ActivityType, atMs: number): Set<string> {
    return this.addActivities(repId, type, this.calendar.dayOf(atMs), 1);
  }

  /** `count` activities of one type by one rep on one local day (how a rebuild loads them). */
  addActivities(repId: string, type: ActivityType, day: number, count: number): Set<string> {
    const delta = ACTIVITIES.create();
    delta[type] = count;
    const keys = this.repScopeKeys(repId);
    for (const key of keys) this.scopeFor(key).activities.apply(day, delta, 1);
    return new Set(keys);
  }

  applyLead(id: string, next: LeadFacts | null): Set<string> {
    const touched = new Set<string>();
    const contribute = (lead: LeadFacts, sign: 1 | -1) => {
      const delta: LeadBucket = { created: 1, converted: lead.converted ? 1 : 0 };
      const keys = lead.repId === null ? ['all'] : this.repScopeKeys(lead.repId);
      for (const key of keys) {
        this.scopeFor(key).leads.apply(lead.createdDay, delta, sign);
        touched.add(key);
      }
    };
    const previous = this.leadFacts.get(id);
    if (previous) contribute(previous, -1);
    if (next) {
      this.leadFacts.set(id, next);
      contribute(next, 1);
    } else {
      this.leadFacts.delete(id);
    }
    return touched;
  }

  upsertQuota(quota: QuotaRow): Set<string> {
    const key = `${quota.period}|${quota.periodStart}`;
    if (quota.repId !== null) {
      mapFor(this.quotasByRep, quota.repId).set(key, quota);
      return new Set(this.repScopeKeys(quota.repId));
    }
    if (quota.teamId !== null) {
      mapFor(this.quotasByTeam, quota.teamId).set(key, quota);
      return new Set(['all', `team:${quota.teamId}`]);
    }
    return new Set();
  }

  /**
   * Adds or changes a rep. Deals carry their team and territory with them, but activities and
   * leads are filed under the rep's team and territory: when those change, the caller rebuilds.
   */
  upsertRep(rep: RepInfo): { touched: Set<string>; needsRebuild: boolean } {
    const before = this.reps.get(rep.id);
    const needsRebuild = before !== undefined && (before.teamId !== rep.teamId || before.territoryId !== rep.territoryId);
    const touched = new Set(before ? this.repScopeKeys(rep.id) : []);
    this.reps.set(rep.id, rep);
    for (const key of this.repScopeKeys(rep.id)) touched.add(key);
    return { touched, needsRebuild };
  }

  upsertProduct(id: string, marginBp: number | null): void {
    this.productMargins.set(id, marginBp);
  }

  upsertTeam(team: NamedEntity): void {
    this.teams.set(team.id, team);
  }

  upsertTerritory(territory: NamedEntity): void {
    this.territories.set(territory.id, territory);
  }

  // ---- reads ---------------------------------------------------------------------------

  /** The days of a resolved period, as the buckets are keyed. */
  daySpan(range: PeriodRange): DaySpan {
    return {
      first: dayNumberOf(range.fromDate),
      last: dayNumberOf(range.toDate),
      previousFirst: dayNumberOf(range.previousFromDate),
      previousLast: dayNumberOf(range.previousToDate),
    };
  }

  /**
   * The KPI inputs of a scope over a period, except the cycle list: its count, exact sum and
   * median come separately (CycleStats) so that no period needs its deals gathered and sorted.
   */
  totals(scope: Scope, range: PeriodRange, span: DaySpan = this.daySpan(range)): { totals: KpiTotals; cycles: CycleStats } {
    const totals = emptyTotals();
    const aggregates = this.scopes.get(scopeKey(scope));
    let cycles: CycleStats = { count: 0, sumMs: 0, medianMs: null };
    if (aggregates) {
      const closed = aggregates.closed.sum(span.first, span.last);
      totals.revenueMinor = closed.revenueMinor;
      totals.won = closed.won;
      totals.lost = closed.lost;
      totals.marginBpMinor = closed.marginBpMinor;
      totals.marginRevenueMinor = closed.marginRevenueMinor;
      totals.previousRevenueMinor = aggregates.closed.sum(span.previousFirst, span.previousLast).revenueMinor;
      cycles = aggregates.cycles.stats(span.first, span.last);
      totals.openCount = aggregates.open.count;
      totals.openPipelineMinor = aggregates.open.amountMinor;
      totals.weightedPipelineCentiMinor = aggregates.open.weightedCentiMinor;
      const closing = aggregates.closing.sum(span.first, span.last);
      totals.openClosingInPeriodMinor = closing.amountMinor;
      totals.weightedClosingInPeriodCentiMinor = closing.weightedCentiMinor;
      totals.commitOpenMinor = closing.commitMinor;
      totals.bestCaseOpenMinor = closing.bestCaseMinor;
      const leads = aggregates.leads.sum(span.first, span.last);
      totals.leadsCreated = leads.created;
      totals.leadsConverted = leads.converted;
      totals.activities = aggregates.activities.sum(span.first, span.last);
    }
    totals.quotaMinor = this.quota(scope, range);
    totals.activeReps = this.repsIn(scope).filter((rep) => rep.active).length;
    return { totals, cycles };
  }

  /**
   * What a leaderboard ranks by, for one scope over a run of days: the whole run, and the part
   * dated before `day` (today, for the standing at the start of it). Two sums that meet at
   * `day` cost about what one sum over the run costs.
   */
  closedAndActivities(
    scopeKey: string,
    first: number,
    last: number,
    day: number,
  ): { closed: ClosedBucket; activities: ActivityBucket; closedBefore: ClosedBucket; activitiesBefore: ActivityBucket } {
    const aggregates = this.scopes.get(scopeKey);
    if (!aggregates || last < first) {
      return { closed: CLOSED.create(), activities: ACTIVITIES.create(), closedBefore: CLOSED.create(), activitiesBefore: ACTIVITIES.create() };
    }
    const split = Math.min(Math.max(day, first), last + 1);
    const closedBefore = aggregates.closed.sum(first, split - 1);
    const activitiesBefore = aggregates.activities.sum(first, split - 1);
    const closed = aggregates.closed.sum(split, last);
    const activities = aggregates.activities.sum(split, last);
    CLOSED.add(closed, closedBefore, 1);
    ACTIVITIES.add(activities, activitiesBefore, 1);
    return { closed, activities, closedBefore, activitiesBefore };
  }

  /** The scope's quota for the period through the shared rule, given only the quotas and reps it can involve. */
  quota(scope: Scope, range: Pick<PeriodRange, 'fromDate' | 'toDate'>): bigint | null {
    const reps = this.repsIn(scope);
    const quotas: QuotaRow[] = [];
    for (const rep of scope.kind === 'rep' ? [{ id: scope.id }] : reps) quotas.push(...(this.quotasByRep.get(rep.id)?.values() ?? []));
    if (scope.kind === 'team') quotas.push(...(this.quotasByTeam.get(scope.id)?.values() ?? []));
    if (scope.kind === 'all') for (const teamQuotas of this.quotasByTeam.values()) quotas.push(...teamQuotas.values());
    return quotaForScope(quotas, reps, scope, range);
  }

  /** Reps of a scope by their current team and territory (a rep scope: that rep, when known). */
  repsIn(scope: Scope): RepInfo[] {
    switch (scope.kind) {
      case 'all':
        return [...this.reps.values()];
      case 'team':
        return [...this.reps.values()].filter((rep) => rep.teamId === scope.id);
      case 'territory':
        return [...this.reps.values()].filter((rep) => rep.territoryId === scope.id);
      case 'rep': {
        const rep = this.reps.get(scope.id);
        return rep ? [rep] : [];
      }
    }
  }

  // ---- checking ------------------------------------------------------------------------

  /** Where two aggregates disagree, as readable lines; empty when they hold the same numbers. */
  differences(other: KpiAggregates, limit = 20): string[] {
    const found: string[] = [];
    const note = (line: string) => found.length < limit && found.push(line);
    const compareMaps = <V>(what: string, a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>) => {
      for (const key of new Set([...a.keys(), ...b.keys()])) {
        const left = canonical(a.get(key));
        const right = canonical(b.get(key));
        if (left !== right) note(`${what} ${key}: live ${left} ≠ rebuilt ${right}`);
        if (found.length >= limit) return;
      }
    };
    if (this.seq !== other.seq) note(`seq: live ${this.seq} ≠ rebuilt ${other.seq}`);
    compareMaps('rep', this.reps, other.reps);
    compareMaps('team', this.teams, other.teams);
    compareMaps('territory', this.territories, other.territories);
    compareMaps('deal', this.deals, other.deals);
    compareMaps('lead', this.leadFacts, other.leadFacts);
    compareMaps('rep quotas', this.quotasByRep, other.quotasByRep);
    compareMaps('team quotas', this.quotasByTeam, other.quotasByTeam);
    compareMaps('scope', mapValues(this.scopes, describeScope), mapValues(other.scopes, describeScope));
    return found;
  }

  // ---- internals -----------------------------------------------------------------------

  private contributeDeal(deal: DealFacts, sign: 1 | -1, touched: Set<string>): void {
    const keys = ['all', `rep:${deal.ownerId}`];
    if (deal.teamId !== null) keys.push(`team:${deal.teamId}`);
    if (deal.territoryId !== null) keys.push(`territory:${deal.territoryId}`);
    const amount = deal.amountMinor;

    if (deal.stageKind === 'won' && deal.closedAtMs !== null) {
      const day = this.calendar.dayOf(deal.closedAtMs);
      const delta: ClosedBucket = { revenueMinor: amount, won: 1, lost: 0, marginBpMinor: 0n, marginRevenueMinor: 0n };
      if (deal.marginBp !== null) {
        delta.marginBpMinor = amount * BigInt(deal.marginBp);
        delta.marginRevenueMinor = amount;
      }
      const cycleMs = Math.max(0, deal.closedAtMs - deal.createdAtMs);
      for (const key of keys) {
        const scope = this.scopeFor(key);
        scope.closed.apply(day, delta, sign);
        if (sign === 1) scope.cycles.add(day, cycleMs);
        else scope.cycles.remove(day, cycleMs);
      }
    } else if (deal.stageKind === 'lost' && deal.closedAtMs !== null) {
      const day = this.calendar.dayOf(deal.closedAtMs);
      const delta: ClosedBucket = { revenueMinor: 0n, won: 0, lost: 1, marginBpMinor: 0n, marginRevenueMinor: 0n };
      for (const key of keys) this.scopeFor(key).closed.apply(day, delta, sign);
    } else if (deal.stageKind === 'open') {
      const weighted = amount * BigInt(deal.probability);
      const closing: ClosingBucket = {
        count: 1,
        amountMinor: amount,
        weightedCentiMinor: weighted,
        commitMinor: deal.forecastCategory === 'commit' ? amount : 0n,
        bestCaseMinor: deal.forecastCategory === 'best_case' ? amount : 0n,
      };
      for (const key of keys) {
        const scope = this.scopeFor(key);
        scope.open.count += sign;
        scope.open.amountMinor += signed(amount, sign);
        scope.open.weightedCentiMinor += signed(weighted, sign);
        if (deal.expectedCloseDay !== null) scope.closing.apply(deal.expectedCloseDay, closing, sign);
      }
    } else {
      // A won or lost deal without a close time counts nowhere, as in totalsFromRows.
      return;
    }
    for (const key of keys) touched.add(key);
  }

  private repScopeKeys(repId: string): string[] {
    const keys = ['all', `rep:${repId}`];
    const rep = this.reps.get(repId);
    if (rep?.teamId) keys.push(`team:${rep.teamId}`);
    if (rep?.territoryId) keys.push(`territory:${rep.territoryId}`);
    return keys;
  }

  /** The rep map's own id string, so a million deals share a few hundred strings. */
  private repKey(repId: string): string {
    return this.reps.get(repId)?.id ?? repId;
  }

  private scopeFor(key: string): ScopeAggregates {
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = new ScopeAggregates();
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private upsertNamed(map: Map<string, NamedEntity>, entity: NamedEntity, key: string): Set<string> {
    map.set(entity.id, entity);
    return new Set(['all', key]);
  }
}

function sameContribution(a: DealFacts, b: DealFacts): boolean {
  return (
    a.ownerId === b.ownerId &&
    a.teamId === b.teamId &&
    a.territoryId === b.territoryId &&
    a.amountMinor === b.amountMinor &&
    a.stageKind === b.stageKind &&
    a.probability === b.probability &&
    a.forecastCategory === b.forecastCategory &&
    a.createdAtMs === b.createdAtMs &&
    a.closedAtMs === b.closedAtMs &&
    a.expectedCloseDay === b.expectedCloseDay &&
    a.marginBp === b.marginBp
  );
}

function mapFor<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function mapValues<V, W>(map: ReadonlyMap<string, V>, describe: (value: V) => W): Map<string, W> {
  return new Map([...map].map(([key, value]) => [key, describe(value)]));
}

/** A scope as plain sorted data; an all-empty scope reads the same as a missing one. */
function describeScope(scope: ScopeAggregates): unknown {
  const data = {
    closed: scope.closed.entries(),
    cycles: scope.cycles.entries(),
    closing: scope.closing.entries(),
    activities: scope.activities.entries(),
    leads: scope.leads.entries(),
    open: scope.open.count === 0 && scope.open.amountMinor === 0n && scope.open.weightedCentiMinor === 0n ? null : scope.open,
  };
  const empty = data.closed.length + data.cycles.length + data.closing.length + data.activities.length + data.leads.length === 0 && data.open === null;
  return empty ? undefined : data;
}

/** JSON with sorted map entries and bigints as strings: equal text, equal data. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
      return v;
    }) ?? 'undefined'
  );
}
