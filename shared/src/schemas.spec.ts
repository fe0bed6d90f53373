import { changeStageSchema, createDealSchema, putQuotaSchema, updateDealSchema } from './schemas.js';
import { handshakeAuthSchema, resyncSchema } from './events.js';

const OWNER = '3f1c9a52-7d1e-4c55-9c1a-1a2b3c4d5e6f';

describe('request schemas', () => {
  it('accepts a deal with an amount as a number or a string and normalises it', () => {
    expect(createDealSchema.parse({ name: 'PT Maju Jaya', ownerId: OWNER, amount: 1500000 }).amount).toBe('1500000.00');
    expect(createDealSchema.parse({ name: 'PT Maju Jaya', ownerId: OWNER, amount: '99.5' }).amount).toBe('99.50');
  });

  it('names each field that is wrong', () => {
    const result = createDealSchema.safeParse({ name: '', ownerId: 'x', amount: -1, currency: 'rp', colour: 'red' });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join() : i.path.join('.')));
    expect(paths).toEqual(expect.arrayContaining(['name', 'ownerId', 'amount', 'currency', 'colour']));
  });

  it('refuses an amount with more than two decimals or below zero', () => {
    expect(createDealSchema.safeParse({ name: 'X', ownerId: OWNER, amount: '1.234' }).success).toBe(false);
    expect(createDealSchema.safeParse({ name: 'X', ownerId: OWNER, amount: '-1' }).success).toBe(false);
  });

  it('wants a stage key and allows an explicit reopen', () => {
    expect(changeStageSchema.parse({ stage: 'won' })).toEqual({ stage: 'won' });
    expect(changeStageSchema.parse({ stage: 'lead', reopen: true })).toEqual({ stage: 'lead', reopen: true });
    expect(changeStageSchema.safeParse({ stage: 'Won!' }).success).toBe(false);
  });

  it('refuses an empty update, and a stage change through PATCH', () => {
    expect(updateDealSchema.safeParse({}).success).toBe(false);
    expect(updateDealSchema.safeParse({ stage: 'won' }).success).toBe(false);
  });

  it('wants a quota for exactly one of rep or team, starting on the first day of its period', () => {
    expect(putQuotaSchema.safeParse({ repId: OWNER, period: 'month', periodStart: '2026-11-01', amount: 1 }).success).toBe(true);
    expect(putQuotaSchema.safeParse({ repId: OWNER, teamId: OWNER, period: 'month', periodStart: '2026-11-01', amount: 1 }).success).toBe(false);
    expect(putQuotaSchema.safeParse({ teamId: OWNER, period: 'quarter', periodStart: '2026-11-01', amount: 1 }).success).toBe(false);
    expect(putQuotaSchema.safeParse({ teamId: OWNER, period: 'quarter', periodStart: '2026-10-01', amount: 1 }).success).toBe(true);
  });
});

describe('socket message schemas', () => {
  it('accepts a handshake with a since seq and refuses a negative one', () => {
    expect(handshakeAuthSchema.parse({ since: 12 })).toEqual({ since: 12 });
    expect(handshakeAuthSchema.safeParse({ since: -1 }).success).toBe(false);
    expect(resyncSchema.safeParse({ since: 'a' }).success).toBe(false);
  });
});
