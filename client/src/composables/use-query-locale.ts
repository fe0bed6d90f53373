import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import { isAppLocale } from '@/i18n';

/**
 * `?lang=id|en` picks the UI language, so a TV can be set up by its URL alone (it has no keyboard).
 * Also keeps `<html lang>` in step for screen readers and hyphenation.
 */
export function useQueryLocale(): void {
  const route = useRoute();
  const { locale } = useI18n({ useScope: 'global' });

  watch(
    () => route.query.lang,
    (lang) => {
      if (isAppLocale(lang)) locale.value = lang;
    },
    { immediate: true },
  );
  watch(locale, (current) => document.documentElement.setAttribute('lang', current), { immediate: true });
}
