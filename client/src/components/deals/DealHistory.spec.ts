import type { DealHistoryEntry, Stage } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { HttpAnswer, stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import DealHistory from './DealHistory.vue';

const DEAL_ID = '5b0c8f4e-2f1a-4c36-9d8e-0a1b2c3d4e5f';

const stage = (key: string, label: string, position: number, kind: Stage['kind'] = 'open'): Stage => ({
  key,
  label,
  position,
  probability: 10,
  forecastCategory: kind === 'won' ? 'closed' : 'pipeline',
  kind,
  stuckAfterDays: 14,
});
const STAGES = [stage('lead', 'New lead', 0), stage('qualified', 'Qualified', 1), stage('won', 'Closed won', 2, 'won')];

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function history(): DealHistoryEntry[] {
  return [
    {
      seq: 11,
      at: minutesAgo(180),
      actor: { kind: 'user', id: 'u-admin', name: 'Dewi Admin' },
      currency: 'IDR',
      kind: 'created',
      stage: 'lead',
      amount: '150000000.00',
      ownerName: 'Ayu Lestari',
    },
    {
      seq: 12,
      at: minutesAgo(120),
      actor: { kind: 'user', id: 'u-ayu', name: 'Ayu' },
      currency: 'IDR',
      kind: 'stageChanged',
      from: 'lead',
      to: 'qualified',
      amount: '150000000.00',
    },
    {
      seq: 13,
      at: minutesAgo(60),
      actor: { kind: 'user', id: 'u-hendra', name: 'Hendra' },
      currency: 'IDR',
      kind: 'updated',
      changes: [
        { field: 'amount', from: '150000000.00', to: '175000000.00' },
        { field: 'forecastOverride', from: null, to: 'commit' },
      ],
    },
    {
      seq: 14,
      at: minutesAgo(30),
      actor: { kind: 'apiKey', id: 'k1', name: 'CRM sync' },
      currency: null,
      kind: 'activity',
      activity: { id: 'a1', type: 'call', note: 'Budget confirmed', repName: 'Ayu Lestari', at: minutesAgo(30) },
    },
    {
      seq: 15,
      at: minutesAgo(5),
      actor: { kind: 'system', id: 'pipedrive', name: 'Pipedrive' },
      currency: 'IDR',
      kind: 'won',
      from: 'qualified',
      to: 'won',
      amount: '200000000.00',
    },
  ];
}

async function render(locale: 'en' | 'id' = 'en') {
  const wrapper = mount(DealHistory, { props: { dealId: DEAL_ID, currency: 'IDR' }, global: { plugins: [createAppI18n(locale)] } });
  await flushPromises();
  return wrapper;
}

const lines = (wrapper: Awaited<ReturnType<typeof render>>) =>
  wrapper.findAll('[data-testid="deal-history-entry"]').map((entry) => ({
    who: entry.get('[data-testid="deal-history-who"]').text(),
    what: entry.get('[data-testid="deal-history-what"]').text(),
    when: entry.get('time').text(),
    exact: entry.get('time').attributes('title'),
    text: entry.text(),
  }));

describe('DealHistory', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it("asks for the deal's history and lists each change oldest first: when, who, and what, with stage labels and money", async () => {
    const server = stubServer({
      [`GET /deals/${DEAL_ID}/history`]: history(),
      'GET /stages': STAGES,
      'GET /teams': [],
      'GET /territories': [],
      'GET /reps': [],
    });
    const shown = lines(await render());

    expect(server.sent.map((request) => request.path)).toContain(`/deals/${DEAL_ID}/history`);
    expect(shown.map(({ who, what }) => [who, what])).toEqual([
      ['Dewi Admin', expect.stringMatching(/^Created in New lead at Rp\s150,000,000, owned by Ayu Lestari$/)],
      ['Ayu', 'Moved from New lead to Qualified'],
      ['Hendra', 'Changed'],
      ['CRM sync (API key)', 'Call logged for Ayu Lestari'],
      ['Pipedrive', expect.stringMatching(/^Won from Qualified at Rp\s200,000,000$/)],
    ]);
    expect(shown[2].text).toMatch(/Amount: Rp\s150,000,000 → Rp\s175,000,000/);
    expect(shown[2].text).toContain('Forecast category: from the stage → Commit');
    expect(shown[3].text).toContain('Budget confirmed');
    // Relative on the line, the exact time on hover.
    expect(shown.map((line) => line.when)).toEqual(['3 hours ago', '2 hours ago', '1 hour ago', '30 minutes ago', '5 minutes ago']);
    for (const line of shown) expect(line.exact).toMatch(/^\w{3} \d{1,2}, \d{4}, \d{2}:\d{2}$/);
  });

  it('speaks Indonesian, naming an import and the simulator by what they are', async () => {
    const imported: DealHistoryEntry[] = [
      {
        seq: null,
        at: minutesAgo(90),
        actor: { kind: 'system', id: 'csv', name: 'CSV import' },
        currency: 'IDR',
        kind: 'created',
        stage: 'lead',
        amount: '1500000.00',
        ownerName: 'Ayu',
      },
      {
        seq: 40,
        at: minutesAgo(10),
        actor: { kind: 'system', id: 'simulator', name: 'simulator' },
        currency: 'IDR',
        kind: 'stageChanged',
        from: 'lead',
        to: 'qualified',
        amount: '1500000.00',
      },
    ];
    stubServer({ [`GET /deals/${DEAL_ID}/history`]: imported, 'GET /stages': STAGES, 'GET /teams': [], 'GET /territories': [], 'GET /reps': [] });
    const shown = lines(await render('id'));

    expect(shown.map(({ who, what }) => [who, what])).toEqual([
      ['Impor CSV', expect.stringMatching(/^Dibuat di New lead senilai Rp\s1\.500\.000, pemilik Ayu$/)],
      // A stage the admin renamed ("New lead") shows as written; a default label speaks Bahasa.
      ['Simulator', 'Dipindah dari New lead ke Terkualifikasi'],
    ]);
    expect(shown[1].when).toBe('10 menit yang lalu');
  });

  it("shows the server's refusal instead of a history", async () => {
    stubServer({
      [`GET /deals/${DEAL_ID}/history`]: new HttpAnswer(403, {
        statusCode: 403,
        error: 'Forbidden',
        message: `authorization: deal ${DEAL_ID} is not yours to see or change`,
      }),
      'GET /stages': STAGES,
    });
    const wrapper = await render();
    expect(wrapper.get('[role="alert"]').text()).toContain('is not yours to see');
    expect(wrapper.findAll('[data-testid="deal-history-entry"]')).toHaveLength(0);
  });
});
