import { describe, expect, it } from 'vitest';
import { createAppI18n, SUPPORTED_LOCALES } from '@/i18n';
import en from '@/i18n/en.json';

/** Every message key under `prefix`, as "importer.stages.title". */
function keysOf(tree: unknown, prefix: string): string[] {
  if (typeof tree === 'string') return [prefix];
  return Object.entries(tree as Record<string, unknown>).flatMap(([key, value]) => keysOf(value, `${prefix}.${key}`));
}

describe('the import and export messages', () => {
  // A message that does not compile (an empty plural form, a stray brace) throws while the page renders.
  it.each(SUPPORTED_LOCALES)('compile and format in %s, plural forms included', (locale) => {
    const { global } = createAppI18n(locale);
    const keys = [...keysOf(en.importer, 'importer'), ...keysOf(en.exporter, 'exporter')];
    expect(keys.length).toBeGreaterThan(100);
    for (const key of keys) {
      expect(global.te(key, locale), `${locale} lacks ${key}`).toBe(true);
      for (const count of [0, 1, 2]) {
        const text = global.t(key, { count, values: 'x', detail: '', column: 'c', value: 'v', name: 'n', headers: 'h' }, count);
        expect(text, `${locale} ${key}`).not.toBe('');
        expect(text).not.toBe(key);
      }
    }
  });
});
