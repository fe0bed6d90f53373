import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import CelebrationOverlay from '@/components/CelebrationOverlay.vue';
import { createAppI18n } from '@/i18n';
import { makeDeal } from '@/test-support/live-fixtures';
import { readableText } from '@/test-support/readable-text';
import { CELEBRATION_MS, tierFor, useCelebrationsStore } from './celebrations';

const AVERAGE = 100_000_000_00n; // Rp 100 jt in minor units

function win(seq: number, repName: string, amount: string, accountName = 'PT Maju Jaya') {
  return { seq, deal: makeDeal({ id: `deal-${seq}`, ownerName: repName, amount, accountName }), averageMinor: AVERAGE };
}

/** What the wallboard shows now: the rep and the amount, as the overlay renders them. */
function shown(locale: 'en' | 'id' = 'en'): string | null {
  const current = useCelebrationsStore().current;
  if (!current) return null;
  const wrapper = mount(CelebrationOverlay, {
    props: { celebration: current, waiting: useCelebrationsStore().waiting },
    global: { plugins: [createAppI18n(locale)] },
  });
  const text = `${readableText(wrapper.get('[data-testid="celebration-rep"]').element)} ${readableText(wrapper.get('[data-testid="celebration-amount"]').element)}`;
  wrapper.unmount();
  return text;
}

describe('celebrations', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
  });
  afterEach(() => vi.useRealTimers());

  it('shows a win with the rep name and the compact amount', () => {
    useCelebrationsStore().celebrate(win(11, 'Ayu Lestari', '120000000.00'));

    expect(shown('en')).toBe('Ayu Lestari Rp 120M');
    expect(shown('id')).toBe('Ayu Lestari Rp 120 jt');
  });

  it('queues wins that come in together and shows each in turn, none lost', () => {
    const celebrations = useCelebrationsStore();
    celebrations.celebrate(win(11, 'Ayu Lestari', '90000000.00'));
    celebrations.celebrate(win(12, 'Budi Santoso', '80000000.00'));
    celebrations.celebrate(win(13, 'Citra', '70000000.00'));

    expect(shown()).toBe('Ayu Lestari Rp 90M');
    expect(celebrations.waiting).toBe(2);

    vi.advanceTimersByTime(CELEBRATION_MS.normal);
    expect(shown()).toBe('Budi Santoso Rp 80M');

    vi.advanceTimersByTime(CELEBRATION_MS.normal);
    expect(shown()).toBe('Citra Rp 70M');

    vi.advanceTimersByTime(CELEBRATION_MS.normal);
    expect(shown()).toBeNull();
  });

  it('celebrates a win once, even when a replay delivers it again', () => {
    const celebrations = useCelebrationsStore();
    celebrations.celebrate(win(11, 'Ayu Lestari', '90000000.00'));
    celebrations.celebrate(win(11, 'Ayu Lestari', '90000000.00'));

    expect(celebrations.queue).toHaveLength(1);
  });

  it('gives a deal far above the month average a longer, bigger moment', () => {
    const celebrations = useCelebrationsStore();
    celebrations.celebrate(win(11, 'Dewi Anggraini', '450000000.00'));

    expect(celebrations.current?.tier).toBe('huge');
    vi.advanceTimersByTime(CELEBRATION_MS.normal);
    expect(shown()).toBe('Dewi Anggraini Rp 450M');
    vi.advanceTimersByTime(CELEBRATION_MS.huge - CELEBRATION_MS.normal);
    expect(shown()).toBeNull();
  });

  it('sizes wins against the month average, and plainly when there is none yet', () => {
    expect(tierFor(100n, 100n)).toBe('normal');
    expect(tierFor(150n, 100n)).toBe('big');
    expect(tierFor(300n, 100n)).toBe('huge');
    expect(tierFor(10_000n, null)).toBe('normal');
  });

  it('hurries through a long backlog rather than making the floor wait minutes', () => {
    const celebrations = useCelebrationsStore();
    for (let seq = 1; seq <= 6; seq += 1) celebrations.celebrate(win(seq, `Rep ${seq}`, '450000000.00'));

    vi.advanceTimersByTime(CELEBRATION_MS.normal);
    expect(celebrations.current?.seq).toBe(2);
  });
});
