import { onBeforeUnmount, ref, watchEffect } from 'vue';
import { useRoute } from 'vue-router';

export type Theme = 'light' | 'dark';

/** `?theme=dark|light` when the URL names one (a kiosk screen set up by its link), else the system's choice. */
export function themeOf(query: unknown, prefersDark: boolean): Theme {
  if (query === 'dark' || query === 'light') return query;
  return prefersDark ? 'dark' : 'light';
}

/**
 * Keeps `<html data-theme>` in step with `prefers-color-scheme` (also when the system switches at
 * dusk) and with `?theme=`; base.css holds the two palettes of the office pages. The wallboard
 * paints its own and reads `?theme=` itself.
 */
export function useTheme(): void {
  const route = useRoute();
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const prefersDark = ref(media.matches);
  const onChange = (event: MediaQueryListEvent) => (prefersDark.value = event.matches);
  media.addEventListener('change', onChange);
  onBeforeUnmount(() => media.removeEventListener('change', onChange));

  watchEffect(() => {
    document.documentElement.dataset.theme = themeOf(route.query.theme, prefersDark.value);
  });
}
