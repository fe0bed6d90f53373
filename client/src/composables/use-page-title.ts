import { onBeforeUnmount, toValue, watchEffect, type MaybeRefOrGetter } from 'vue';

const APP_NAME = 'Salesboard';

/** The tab's title follows the page's heading ("My standing · Salesboard"), in the current language. */
export function usePageTitle(title: MaybeRefOrGetter<string>): void {
  watchEffect(() => {
    const text = toValue(title);
    document.title = text ? `${text} · ${APP_NAME}` : APP_NAME;
  });
  onBeforeUnmount(() => (document.title = APP_NAME));
}
