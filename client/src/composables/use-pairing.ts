import type { PairingPoll, PairingStart } from '@salesboard/shared';
import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';
import { ApiRequestError } from '@/api/http';
import { pollPairing, startPairing } from '@/api/pairing';

export type PairingApproved = Extract<PairingPoll, { status: 'approved' }>;

export type PairingState =
  | { phase: 'starting' }
  | { phase: 'showing'; userCode: string; verificationUri: string; verificationUriComplete: string; expiresAt: number }
  | { phase: 'approved'; boardId: string | null }
  /** The server could not give a code: trying again by itself at `retryAt`. */
  | { phase: 'retrying'; retryAt: number };

export interface PairingDeps {
  start(): Promise<PairingStart>;
  poll(deviceCode: string): Promise<PairingPoll>;
  onApproved(answer: PairingApproved): void;
}

/** RFC 8628 §3.5: on slow_down the interval grows by 5 seconds, for good. */
const SLOW_DOWN_STEP_MS = 5_000;
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export interface PairingFlow {
  state: ShallowRef<PairingState>;
  begin(): void;
  stop(): void;
}

/**
 * The TV side of pairing as a small state machine on timers: get a code, show it, poll every
 * `interval` seconds; back off on slow_down, start over when the code expires, keep the
 * credential when approved. Nobody stands at a TV, so every failure retries by itself.
 */
export function createPairingFlow(deps: PairingDeps): PairingFlow {
  const state = shallowRef<PairingState>({ phase: 'starting' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every new code and on stop, so a late answer about an old code is ignored. */
  let generation = 0;
  let stopped = false;
  let failures = 0;

  function wait(ms: number, then: () => void): void {
    clearTimeout(timer);
    timer = setTimeout(then, ms);
  }

  function begin(): void {
    stopped = false;
    const mine = ++generation;
    clearTimeout(timer);
    state.value = { phase: 'starting' };
    deps.start().then(
      (started) => {
        if (mine !== generation) return;
        failures = 0;
        const expiresAt = Date.now() + started.expiresIn * 1000;
        state.value = {
          phase: 'showing',
          userCode: started.userCode,
          verificationUri: started.verificationUri,
          verificationUriComplete: started.verificationUriComplete,
          expiresAt,
        };
        let intervalMs = Math.max(1, started.interval) * 1000;

        const poll = async () => {
          if (mine !== generation) return;
          if (Date.now() >= expiresAt) return begin();
          let answer: PairingPoll;
          try {
            answer = await deps.poll(started.deviceCode);
          } catch (error) {
            if (mine !== generation) return;
            // Throttled or unreachable: keep the code on screen and ask again, more slowly if told to.
            if (error instanceof ApiRequestError && error.status === 429) intervalMs += SLOW_DOWN_STEP_MS;
            return wait(intervalMs, poll);
          }
          if (mine !== generation) return;
          switch (answer.status) {
            case 'authorization_pending':
              return wait(intervalMs, poll);
            case 'slow_down':
              intervalMs += SLOW_DOWN_STEP_MS;
              return wait(intervalMs, poll);
            case 'expired_token':
              return begin();
            case 'approved':
              generation += 1;
              state.value = { phase: 'approved', boardId: answer.boardId };
              deps.onApproved(answer);
              return;
          }
        };
        wait(intervalMs, poll);
      },
      () => {
        if (mine !== generation || stopped) return;
        failures += 1;
        const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
        state.value = { phase: 'retrying', retryAt: Date.now() + delay };
        wait(delay, begin);
      },
    );
  }

  function stop(): void {
    stopped = true;
    generation += 1;
    clearTimeout(timer);
    timer = undefined;
  }

  return { state, begin, stop };
}

/** The pairing flow against the real API, started now and stopped with the calling component. */
export function usePairing(onApproved: (answer: PairingApproved) => void): PairingFlow {
  const flow = createPairingFlow({ start: startPairing, poll: pollPairing, onApproved });
  flow.begin();
  onScopeDispose(flow.stop);
  return flow;
}
