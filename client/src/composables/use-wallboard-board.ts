import type { Board, SceneKind } from '@salesboard/shared';
import { computed, onScopeDispose, shallowRef, watch } from 'vue';
import { fetchBoard, listBoards } from '@/api/boards';
import type { SceneSlot } from './use-scene-rotation';

/** The playlist when no board is configured (or the server has no boards yet): every scene. */
export const DEFAULT_SCENES = [
  { kind: 'leaderboard', seconds: 20 },
  { kind: 'quota', seconds: 15 },
  { kind: 'funnel', seconds: 15 },
  { kind: 'forecast', seconds: 15 },
  { kind: 'territories', seconds: 15 },
] as const satisfies readonly SceneSlot[];

/**
 * Every scene kind, checked against the shared SCENE_KINDS at compile time. Importing that
 * constant instead would keep the shared board schema, and zod with it, in the TV's bundle (the
 * bundler cannot prove a schema built from a used array is unused).
 */
export const SCENE_KIND_LIST: readonly SceneKind[] = DEFAULT_SCENES.map((slot) => slot.kind);
type MissingScene = Exclude<SceneKind, (typeof DEFAULT_SCENES)[number]['kind']>;
const everySceneListed: [MissingScene] extends [never] ? true : false = true;
void everySceneListed;

export function isSceneKind(value: unknown): value is SceneKind {
  return typeof value === 'string' && (SCENE_KIND_LIST as readonly string[]).includes(value);
}

/** An admin may edit the board while TVs show it; they pick the change up this often. */
const BOARD_REFRESH_MS = 5 * 60_000;

/**
 * The board a wallboard plays: the one named (`?board=`, or the one the TV was paired to), else
 * the first board. A failed load keeps what was shown; with nothing at all, the default playlist.
 */
export function useWallboardBoard(boardId: () => string | null) {
  const board = shallowRef<Board | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    const id = boardId();
    try {
      const next = id ? await fetchBoard(id) : ((await listBoards())[0] ?? null);
      if (mine === generation) board.value = next;
    } catch (error) {
      console.warn('Salesboard: could not load the board; keeping the current playlist', error);
    }
  }

  watch(boardId, () => void load(), { immediate: true });
  const timer = setInterval(() => void load(), BOARD_REFRESH_MS);
  onScopeDispose(() => clearInterval(timer));

  const scenes = computed<SceneSlot[]>(() => (board.value?.scenes.length ? board.value.scenes : [...DEFAULT_SCENES]));
  const scope = computed(() => board.value?.scope ?? { kind: 'all' as const });

  return { board, scenes, scope, reload: load };
}
