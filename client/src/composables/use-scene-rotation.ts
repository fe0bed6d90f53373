import type { SceneKind } from '@salesboard/shared';
import { computed, onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';

export interface SceneSlot {
  kind: SceneKind;
  seconds: number;
}

export interface SceneRotationOptions {
  /** `?scene=`: show only this scene, no rotation. */
  pinned?: MaybeRefOrGetter<SceneKind | null>;
  /** While true (a celebration is on), the clock stops and resumes where it stopped. */
  paused?: MaybeRefOrGetter<boolean>;
  /** Called between two scenes, before the next one shows: the moment a TV may reload itself. */
  onBoundary?: () => void;
}

/**
 * The wallboard's playlist clock: each scene for its own duration, then the next, round and
 * round. Must run inside a component or effect scope, whose end stops the clock.
 */
export function useSceneRotation(scenes: MaybeRefOrGetter<SceneSlot[]>, options: SceneRotationOptions = {}) {
  const index = ref(0);
  /** Bumped on every change of scene, also from a scene to itself in a one-scene playlist. */
  const turn = ref(0);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let remainingMs = 0;
  let runningSince = 0;

  const pinned = computed(() => toValue(options.pinned) ?? null);
  const paused = computed(() => toValue(options.paused) ?? false);
  const playlist = computed(() => toValue(scenes));

  const current = computed<SceneSlot | null>(() => {
    if (pinned.value) return playlist.value.find((slot) => slot.kind === pinned.value) ?? { kind: pinned.value, seconds: 0 };
    return playlist.value[index.value % Math.max(1, playlist.value.length)] ?? null;
  });

  function stopClock(): void {
    clearTimeout(timer);
    timer = undefined;
  }

  function runClock(): void {
    stopClock();
    if (pinned.value || paused.value || !current.value || playlist.value.length === 0) return;
    runningSince = Date.now();
    timer = setTimeout(advance, remainingMs);
  }

  function advance(): void {
    timer = undefined;
    options.onBoundary?.();
    const count = playlist.value.length;
    if (count === 0) return;
    index.value = (index.value + 1) % count;
    turn.value += 1;
    remainingMs = (current.value?.seconds ?? 0) * 1000;
    runClock();
  }

  function restart(): void {
    index.value = 0;
    turn.value += 1;
    remainingMs = (current.value?.seconds ?? 0) * 1000;
    runClock();
  }

  watch(() => [playlist.value.map((slot) => `${slot.kind}:${slot.seconds}`).join(','), pinned.value], restart, { immediate: true });

  watch(paused, (isPaused) => {
    if (isPaused) {
      if (timer !== undefined) remainingMs = Math.max(0, remainingMs - (Date.now() - runningSince));
      stopClock();
    } else {
      runClock();
    }
  });

  onScopeDispose(stopClock);

  return { index, turn, current, next: advance };
}
