import type { PutQuotaInput, Quota } from '@salesboard/shared';
import { putJson } from './http';

export function putQuota(input: PutQuotaInput): Promise<Quota> {
  return putJson<Quota>('/quotas', input);
}
