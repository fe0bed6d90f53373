import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessage } from '@/api/http';

/**
 * A write on one row of an admin list (delete, revoke): `busyId` is the row being written, to
 * disable its button so a double click sends one request; `error` is why the last write failed,
 * the server's sentence or "unreachable". A new write clears the previous error.
 */
export function useRowWrite() {
  const { t } = useI18n();
  const busyId = ref<string | null>(null);
  const error = ref<string | null>(null);

  async function run(id: string, write: () => Promise<void>): Promise<void> {
    busyId.value = id;
    error.value = null;
    try {
      await write();
    } catch (failure) {
      error.value = errorMessage(failure) ?? t('common.unreachable');
    } finally {
      busyId.value = null;
    }
  }

  return { busyId, error, run };
}
