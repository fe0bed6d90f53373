import { computed, toValue, type MaybeRefOrGetter } from 'vue';
import { useI18n } from 'vue-i18n';
import { createFormatters } from '@/i18n/format';
import { toIntlLocale } from '@/i18n';

/** Formatters that follow the UI language and the board's currency and time zone as they change. */
export function useFormatters(currency: MaybeRefOrGetter<string>, timeZone?: MaybeRefOrGetter<string | undefined>) {
  const { locale } = useI18n({ useScope: 'global' });
  // Intl formatters are costly to build: one set per locale/currency/zone, not one per value.
  return computed(() => createFormatters(toIntlLocale(locale.value), toValue(currency), toValue(timeZone)));
}
