import { DATE_RANGE } from './date-range.js';
import { hubspotEventSchema } from './ingest.js';
import { auditQuerySchema } from './admin.js';
import { kpisQuerySchema } from './kpi-api.js';
import { avatarUrlSchema, isoDateSchema, isoInstantSchema, nameSchema } from './schemas.js';

describe('bounded request values', () => {
  it('takes real calendar dates inside DATE_RANGE only', () => {
    expect([DATE_RANGE.earliest, DATE_RANGE.latest, '2024-02-29'].map((d) => isoDateSchema.safeParse(d).success)).toEqual([true, true, true]);
    expect(['0000-01-01', '1969-12-31', '2101-01-01', '2026-02-30', '2025-02-29'].map((d) => isoDateSchema.safeParse(d).success)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('takes instants inside the range, whatever their offset', () => {
    expect(isoInstantSchema.safeParse('1970-01-01T00:00:00Z').success).toBe(true);
    expect(isoInstantSchema.safeParse('1970-01-01T06:00:00+07:00').success).toBe(false);
    expect(isoInstantSchema.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
    expect(isoInstantSchema.safeParse('2026-02-30T10:00:00Z').success).toBe(false);
    expect(auditQuerySchema.safeParse({ before: '0000-01-01T00:00:00Z' }).error?.issues[0].path).toEqual(['before']);
  });

  it('names from and to of a KPI query outside the range', () => {
    const paths = kpisQuerySchema.safeParse({ from: '0001-01-01', to: '9999-12-31' }).error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['from', 'to']);
  });

  it('refuses NUL in text, and avatars that are not https: or data:image/', () => {
    expect(nameSchema.safeParse('PT\u0000Maju').error?.issues[0].message).toMatch(/NUL/);
    expect(['https://example.com/a.png', 'data:image/png;base64,AA=='].map((u) => avatarUrlSchema.safeParse(u).success)).toEqual([true, true]);
    expect(['javascript:alert(1)', 'http://example.com/a.png', 'data:text/html,x'].map((u) => avatarUrlSchema.safeParse(u).success)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('refuses a HubSpot event stamped more than a day ahead or before 1970', () => {
    const event = (occurredAt: number) => hubspotEventSchema.safeParse({ eventId: 1, subscriptionType: 'deal.creation', objectId: 2, occurredAt }).success;
    expect([event(Date.now()), event(Date.now() + 3_600_000), event(Date.now() + 2 * 86_400_000), event(-1)]).toEqual([true, true, false, false]);
  });
});

describe('bounded request values, messages', () => {
  it('tells a malformed date its format only, not also the range', () => {
    expect(auditQuerySchema.safeParse({ before: 'yesterday' }).error?.issues.map((i) => i.message)).toEqual(['must be an ISO-8601 instant']);
    expect(isoDateSchema.safeParse('tomorrow').error?.issues.map((i) => i.message)).toEqual(['must be a date like 2026-11-30']);
  });
});
