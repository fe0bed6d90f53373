import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createAppI18n, type AppLocale } from '@/i18n';
import { readableText } from '@/test-support/readable-text';
import type { ConnectionState } from '@/stores/live';
import ConnectionStatus from './ConnectionStatus.vue';

/** 14:02 in Jakarta. */
const since = Date.parse('2026-11-28T07:02:00Z');

function renderStatus(state: ConnectionState, locale: AppLocale, staleSince: string | null = null) {
  const badge = mount(ConnectionStatus, {
    props: { state, since, staleSince, timeZone: 'Asia/Jakarta' },
    global: { plugins: [createAppI18n(locale)] },
  }).get('[data-testid="connection-status"]');
  return { state: badge.attributes('data-state'), text: readableText(badge.element) };
}

describe('ConnectionStatus', () => {
  it('says in words that the board is reconnecting, and since when', () => {
    expect(renderStatus('reconnecting', 'en')).toEqual({ state: 'reconnecting', text: 'Reconnecting… since 14:02' });
    expect(renderStatus('reconnecting', 'id')).toEqual({ state: 'reconnecting', text: 'Menyambung ulang… sejak 14.02' });
  });

  it('says Live once connected', () => {
    expect(renderStatus('live', 'en')).toEqual({ state: 'live', text: 'Live' });
    expect(renderStatus('live', 'id')).toEqual({ state: 'live', text: 'Langsung' });
  });

  it('says the data is delayed while the server has lost its database', () => {
    expect(renderStatus('live', 'en', '2026-11-28T07:10:00.000Z')).toEqual({ state: 'live', text: 'Live data delayed since 14:10' });
    expect(renderStatus('live', 'id', '2026-11-28T07:10:00.000Z')).toEqual({ state: 'live', text: 'Langsung data tertunda sejak 14.10' });
  });
});
