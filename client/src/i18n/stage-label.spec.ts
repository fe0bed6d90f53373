import { DEFAULT_STAGES } from '@salesboard/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAppI18n } from '@/i18n';
import { localStageLabel } from './stage-label';

describe('localStageLabel', () => {
  const i18n = createAppI18n('id');
  const translate = (key: string) => i18n.global.t(key);

  it('shows every default stage under its default label in Bahasa, none of them left in English', () => {
    for (const stage of DEFAULT_STAGES) {
      const shown = localStageLabel(stage.key, stage.label, translate);
      expect(shown, stage.key).toBe(i18n.global.t(`stageNames.${stage.key}`));
      expect(i18n.global.te(`stageNames.${stage.key}`, 'id'), stage.key).toBe(true);
    }
    expect(localStageLabel('proposal', 'Proposal', translate)).toBe('Penawaran');
  });

  it('shows a label an admin wrote, or a stage of their own, as written', () => {
    const keys = [...DEFAULT_STAGES.map((stage) => stage.key), 'pilot', 'tender'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 30 }), (key, label) => {
        fc.pre(DEFAULT_STAGES.find((stage) => stage.key === key)?.label !== label);
        expect(localStageLabel(key, label, translate)).toBe(label);
      }),
    );
  });
});
