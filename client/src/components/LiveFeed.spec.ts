import { DEFAULT_STAGES, type LoggedEvent } from '@salesboard/shared';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n, type AppLocale } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import { liveEvent, makeDeal } from '@/test-support/live-fixtures';
import LiveFeed from './LiveFeed.vue';

const deal = makeDeal({ amount: '1200000000.00' });
/** Newest first, as the board store keeps them. Times are 14.05 in Jakarta. */
const events: LoggedEvent[] = [
  liveEvent.won(14, deal, 'negotiation'),
  liveEvent.activity(13, 'call', 'Budi Santoso'),
  liveEvent.moved(12, deal, 'demo', 'proposal'),
  liveEvent.created(11, makeDeal({ accountName: null, name: 'Fleet renewal', ownerName: 'Citra' })),
];

function renderFeed(locale: AppLocale) {
  const wrapper = mount(LiveFeed, {
    props: { events, stages: [...DEFAULT_STAGES], currency: 'IDR', timeZone: 'Asia/Jakarta' },
    global: { plugins: [createAppI18n(locale)] },
  });
  const items = wrapper.findAll('[data-testid="feed-item"]');
  return {
    lines: items.map((item) => readableText(item.element)),
    highlighted: items.map((item) => item.classes('won')),
  };
}

describe('LiveFeed', () => {
  it('tells what happened in English, newest first, with the won deal marked by the word Won', () => {
    const { lines, highlighted } = renderFeed('en');

    expect(lines).toEqual([
      '14:05 Won Ayu Lestari closed PT Maju Jaya Rp 1.2B',
      '14:05 Budi Santoso logged a call',
      '14:05 Ayu Lestari moved PT Maju Jaya to Proposal',
      '14:05 Citra added Fleet renewal in Lead',
    ]);
    expect(highlighted).toEqual([true, false, false, false]);
  });

  it('tells the same story in Bahasa Indonesia', () => {
    const { lines } = renderFeed('id');

    expect(lines).toEqual([
      '14.05 Menang Ayu Lestari menutup PT Maju Jaya Rp 1,2 M',
      '14.05 Budi Santoso mencatat panggilan',
      '14.05 Ayu Lestari memindahkan PT Maju Jaya ke Penawaran',
      '14.05 Citra menambahkan Fleet renewal di Prospek',
    ]);
  });
});
