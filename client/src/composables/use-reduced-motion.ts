import { onScopeDispose, type Ref, ref } from 'vue';

/**
 * Whether the system asks for reduced motion, kept current when the setting changes. CSS answers
 * it with `@media (prefers-reduced-motion: reduce)`; this is for what draws with script (a chart's
 * own animations), which that media query cannot reach.
 */
export function usePrefersReducedMotion(): Readonly<Ref<boolean>> {
  const media = window.matchMedia('(prefers-reduced-motion: reduce)');
  const reduced = ref(media.matches);
  const onChange = (event: MediaQueryListEvent) => (reduced.value = event.matches);
  media.addEventListener('change', onChange);
  onScopeDispose(() => media.removeEventListener('change', onChange));
  return reduced;
}
