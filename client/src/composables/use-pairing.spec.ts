import type { PairingPoll, PairingStart } from '@salesboard/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '@/api/http';
import { createPairingFlow, type PairingApproved } from './use-pairing';

function started(userCode: string, overrides: Partial<PairingStart> = {}): PairingStart {
  return {
    deviceCode: `sbp_${userCode}`,
    userCode,
    verificationUri: 'http://salesboard.local/admin/pair',
    verificationUriComplete: `http://salesboard.local/admin/pair?code=${userCode}`,
    expiresIn: 600,
    interval: 3,
    ...overrides,
  };
}

/** A scripted server: each start and poll answers the next item of its list. */
function server(starts: (PairingStart | Error)[], polls: (PairingPoll | Error)[]) {
  const pollTimes: number[] = [];
  const approved: PairingApproved[] = [];
  const flow = createPairingFlow({
    start: vi.fn(async () => {
      const next = starts.shift();
      if (!next || next instanceof Error) throw next ?? new Error('no more codes');
      return next;
    }),
    poll: vi.fn(async () => {
      pollTimes.push(Date.now());
      const next = polls.shift() ?? { status: 'authorization_pending' };
      if (next instanceof Error) throw next;
      return next;
    }),
    onApproved: (answer) => approved.push(answer),
  });
  return { flow, pollTimes, approved };
}

const T0 = Date.parse('2026-11-28T07:00:00Z');
const seconds = (at: number) => (at - T0) / 1000;

describe('pairing a TV', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it('shows the code, polls every interval, and keeps the credential once approved', async () => {
    const approval = { status: 'approved', displayToken: 'sbd_secret', displayId: 'display-1', boardId: 'board-1' } as const;
    const { flow, pollTimes, approved } = server([started('ACDEFGHJ')], [{ status: 'authorization_pending' }, approval]);

    flow.begin();
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value).toMatchObject({ phase: 'showing', userCode: 'ACDEFGHJ', expiresAt: T0 + 600_000 });

    await vi.advanceTimersByTimeAsync(6_000);

    expect(pollTimes.map(seconds)).toEqual([3, 6]);
    expect(flow.state.value).toEqual({ phase: 'approved', boardId: 'board-1' });
    expect(approved).toEqual([approval]);
    // Nothing polls after the approval.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(pollTimes).toHaveLength(2);
  });

  it('backs off by 5 seconds for good when told to slow down', async () => {
    const { flow, pollTimes } = server([started('ACDEFGHJ')], [{ status: 'slow_down' }, { status: 'authorization_pending' }]);

    flow.begin();
    await vi.advanceTimersByTimeAsync(30_000);

    expect(pollTimes.slice(0, 4).map(seconds)).toEqual([3, 11, 19, 27]);
    flow.stop();
  });

  it('starts over with a new code when the old one expires', async () => {
    const { flow } = server([started('ACDEFGHJ'), started('KMNPQRTU')], [{ status: 'authorization_pending' }, { status: 'expired_token' }]);

    flow.begin();
    await vi.advanceTimersByTimeAsync(6_000);

    expect(flow.state.value).toMatchObject({ phase: 'showing', userCode: 'KMNPQRTU' });
    flow.stop();
  });

  it('asks for a new code by itself once ten minutes are up, even if the server never said so', async () => {
    const { flow } = server([started('ACDEFGHJ', { expiresIn: 9 }), started('KMNPQRTU')], []);

    flow.begin();
    await vi.advanceTimersByTimeAsync(12_000);

    expect(flow.state.value).toMatchObject({ phase: 'showing', userCode: 'KMNPQRTU' });
    flow.stop();
  });

  it('keeps the code on screen and polls on through network errors', async () => {
    const { flow, pollTimes } = server(
      [started('ACDEFGHJ')],
      [new TypeError('Failed to fetch'), new ApiRequestError(503, null), { status: 'authorization_pending' }],
    );

    flow.begin();
    await vi.advanceTimersByTimeAsync(9_000);

    expect(pollTimes.map(seconds)).toEqual([3, 6, 9]);
    expect(flow.state.value).toMatchObject({ phase: 'showing', userCode: 'ACDEFGHJ' });
    flow.stop();
  });

  it('retries with growing pauses while the server cannot hand out a code, then shows one', async () => {
    const { flow } = server([new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), started('ACDEFGHJ')], []);

    flow.begin();
    await vi.advanceTimersByTimeAsync(0);
    expect(flow.state.value).toEqual({ phase: 'retrying', retryAt: T0 + 5_000 });

    await vi.advanceTimersByTimeAsync(5_000);
    expect(flow.state.value).toEqual({ phase: 'retrying', retryAt: T0 + 5_000 + 10_000 });

    await vi.advanceTimersByTimeAsync(10_000);
    expect(flow.state.value).toMatchObject({ phase: 'showing', userCode: 'ACDEFGHJ' });
    flow.stop();
  });
});
