import { DEFAULT_STAGES } from '@salesboard/shared';
import { useI18n } from 'vue-i18n';

const DEFAULT_LABELS = new Map(DEFAULT_STAGES.map((stage) => [stage.key, stage.label]));

/**
 * A stage's name in the reader's language. Stage labels are data an admin may rename, so the
 * rule is: a stage of the default pipeline whose label is still the default (English) one shows
 * the catalogue's `stageNames.<key>`; any other label is the admin's own words and shows as written.
 */
export function localStageLabel(key: string, label: string, translate: (key: string) => string): string {
  return DEFAULT_LABELS.get(key) === label ? translate(`stageNames.${key}`) : label;
}

/** `localStageLabel` bound to the component's locale: `(key, storedLabel) => shown label`. */
export function useStageLabel(): (key: string, label: string) => string {
  const { t } = useI18n();
  return (key, label) => localStageLabel(key, label, (messageKey) => t(messageKey));
}
