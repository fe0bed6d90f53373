import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { usePrefersReducedMotion } from './use-reduced-motion';

/** A system setting that can be switched while the page is open, as matchMedia reports it. */
function systemSetting(initially: boolean) {
  const listeners = new Set<(event: MediaQueryListEvent) => void>();
  const media = {
    matches: initially,
    addEventListener: (_: 'change', listener: (event: MediaQueryListEvent) => void) => listeners.add(listener),
    removeEventListener: (_: 'change', listener: (event: MediaQueryListEvent) => void) => listeners.delete(listener),
  };
  const matchMedia = vi.fn((query: string) => {
    expect(query).toBe('(prefers-reduced-motion: reduce)');
    return media;
  });
  vi.stubGlobal('matchMedia', matchMedia);
  return {
    listeners,
    switchTo: (reduce: boolean) => {
      media.matches = reduce;
      for (const listener of listeners) listener({ matches: reduce } as MediaQueryListEvent);
    },
  };
}

describe('usePrefersReducedMotion', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows the system setting, also when it changes with the page open, and stops listening when its owner goes', () => {
    const setting = systemSetting(false);
    const scope = effectScope();
    const reduced = scope.run(() => usePrefersReducedMotion())!;
    expect(reduced.value).toBe(false);
    setting.switchTo(true);
    expect(reduced.value).toBe(true);
    setting.switchTo(false);
    expect(reduced.value).toBe(false);
    scope.stop();
    expect(setting.listeners.size).toBe(0);
  });

  it('starts reduced when the system already asks for it', () => {
    systemSetting(true);
    const scope = effectScope();
    expect(scope.run(() => usePrefersReducedMotion())!.value).toBe(true);
    scope.stop();
  });
});
