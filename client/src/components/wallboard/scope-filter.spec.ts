import type { LoggedEvent } from '@salesboard/shared';
import { describe, expect, it } from 'vitest';
import { AT, makeDeal } from '@/test-support/live-fixtures';
import { eventInScope } from './scope-filter';

const won = (teamId: string | null, territoryId: string | null): LoggedEvent => ({
  seq: 1,
  type: 'deal.won',
  at: AT,
  payload: { deal: makeDeal({ teamId, territoryId }), from: 'negotiation', to: 'won' },
});
const call = (repId: string): LoggedEvent => ({
  seq: 2,
  type: 'activity.logged',
  at: AT,
  payload: { activity: { id: 'a1', type: 'call', repId, dealId: null, note: null, at: AT }, repName: repId },
});
const reps = new Map([['rep-ayu', { teamId: 'team-east', territoryId: 'java' }]]);

describe('eventInScope', () => {
  it('keeps a deal of the board’s team or territory and drops another team’s', () => {
    expect(eventInScope(won('team-east', 'java'), { kind: 'team', id: 'team-east' }, reps)).toBe(true);
    expect(eventInScope(won('team-west', 'java'), { kind: 'team', id: 'team-east' }, reps)).toBe(false);
    expect(eventInScope(won('team-west', 'java'), { kind: 'territory', id: 'java' }, reps)).toBe(true);
    expect(eventInScope(won('team-west', 'java'), { kind: 'all' }, reps)).toBe(true);
  });

  it('places an activity by its rep, and drops one of a rep it does not know', () => {
    expect(eventInScope(call('rep-ayu'), { kind: 'team', id: 'team-east' }, reps)).toBe(true);
    expect(eventInScope(call('rep-ayu'), { kind: 'territory', id: 'sumatra' }, reps)).toBe(false);
    expect(eventInScope(call('rep-gone'), { kind: 'team', id: 'team-east' }, reps)).toBe(false);
  });
});
