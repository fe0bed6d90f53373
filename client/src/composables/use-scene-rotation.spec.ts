import type { SceneKind } from '@salesboard/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { useSceneRotation, type SceneSlot } from './use-scene-rotation';

const PLAYLIST: SceneSlot[] = [
  { kind: 'leaderboard', seconds: 20 },
  { kind: 'quota', seconds: 10 },
  { kind: 'funnel', seconds: 5 },
];

function rotate(options: { pinned?: SceneKind | null; onBoundary?: () => void } = {}) {
  const scope = effectScope();
  const paused = ref(false);
  const pinned = ref<SceneKind | null>(options.pinned ?? null);
  const scenes = ref(PLAYLIST);
  const rotation = scope.run(() => useSceneRotation(scenes, { paused, pinned, onBoundary: options.onBoundary }))!;
  return { rotation, paused, pinned, scenes, scope, showing: () => rotation.current.value?.kind };
}

describe('the wallboard playlist', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows each scene for its own duration, then starts again from the first', () => {
    const { showing, scope } = rotate();
    const seen = [showing()];
    for (const seconds of [20, 10, 5]) {
      vi.advanceTimersByTime(seconds * 1000 - 1);
      expect(showing()).toBe(seen.at(-1));
      vi.advanceTimersByTime(1);
      seen.push(showing());
    }
    expect(seen).toEqual(['leaderboard', 'quota', 'funnel', 'leaderboard']);
    scope.stop();
  });

  it('stops the clock while paused and resumes with the time that was left', async () => {
    const { showing, paused, scope } = rotate();
    vi.advanceTimersByTime(15_000);

    paused.value = true;
    await nextTick();
    vi.advanceTimersByTime(60_000);
    expect(showing()).toBe('leaderboard');

    paused.value = false;
    await nextTick();
    vi.advanceTimersByTime(4_999);
    expect(showing()).toBe('leaderboard');
    vi.advanceTimersByTime(1);
    expect(showing()).toBe('quota');
    scope.stop();
  });

  it('shows only the pinned scene, and never moves on', () => {
    const { showing, scope } = rotate({ pinned: 'funnel' });
    vi.advanceTimersByTime(10 * 60_000);
    expect(showing()).toBe('funnel');
    scope.stop();
  });

  it('calls back between scenes, the moment a TV may reload itself', () => {
    const boundaries: string[] = [];
    const { rotation, scope } = rotate({ onBoundary: () => boundaries.push(rotation.current.value!.kind) });
    vi.advanceTimersByTime(30_000);
    expect(boundaries).toEqual(['leaderboard', 'quota']);
    scope.stop();
  });

  it('starts the new playlist from its first scene when the board changes', async () => {
    const { showing, scenes, scope } = rotate();
    vi.advanceTimersByTime(20_000);
    expect(showing()).toBe('quota');

    scenes.value = [
      { kind: 'forecast', seconds: 30 },
      { kind: 'territories', seconds: 30 },
    ];
    await nextTick();
    expect(showing()).toBe('forecast');
    vi.advanceTimersByTime(30_000);
    expect(showing()).toBe('territories');
    scope.stop();
  });
});
