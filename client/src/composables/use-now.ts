import { onScopeDispose, ref } from 'vue';

/** The current time (epoch ms), ticking every `everyMs`: for countdowns and "5 minutes ago". */
export function useNow(everyMs = 1_000) {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), everyMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
}
