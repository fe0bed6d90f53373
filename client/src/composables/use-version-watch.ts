import { onScopeDispose, ref } from 'vue';
import { fetchDeployedEntry } from '@/api/version';

/** Often enough that a fix reaches every TV within minutes, rarely enough to cost nothing. */
export const VERSION_CHECK_MS = 3 * 60_000;

/** The entry script this page was loaded from, as index.html named it. */
function runningEntry(): string | null {
  return document.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null;
}

/**
 * Notices a newly deployed client: the entry script's hashed name in /index.html changes. Sets
 * `updateReady`; the caller chooses the moment to reload (the wallboard: between two scenes).
 */
export function useVersionWatch(intervalMs = VERSION_CHECK_MS) {
  const updateReady = ref(false);
  const running = runningEntry();
  // The dev server names /src/main.ts and never changes: nothing to watch there.
  const watching = running !== null && !running.startsWith('/src/');

  async function check(): Promise<void> {
    try {
      const deployed = await fetchDeployedEntry();
      if (deployed && deployed !== running) updateReady.value = true;
    } catch {
      // Offline or restarting: the next check tries again.
    }
  }

  const timer = watching ? setInterval(() => void check(), intervalMs) : undefined;
  onScopeDispose(() => clearInterval(timer));

  return { updateReady, check };
}
