import type { ImportKind, ImportMapping, ImportPreview, Rep, Stage } from '@salesboard/shared';
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runImport } from '@/api/imports';
import { createAppI18n } from '@/i18n';
import ImportMappingForm from './ImportMappingForm.vue';
import { type EditableMapping, mappingFromPreview, mappingToSend } from './import-mapping';

/** What the server answers for a HubSpot deals export, with one stage value it does not know. */
const preview: ImportPreview = {
  kind: 'deals',
  fileName: 'hubspot-deals.csv',
  delimiter: ',',
  headers: ['Record ID', 'Deal Name', 'Deal Stage', 'Amount', 'Close Date', 'Deal owner', 'Associated Company', 'Deal Type'],
  rows: [['1001', 'Acme renewal', 'Contract Sent', '15000', '2026-11-20', 'Sari Dewi', 'Acme', 'newbusiness']],
  rowCount: 4,
  columns: {
    externalId: 'Record ID',
    name: 'Deal Name',
    stage: 'Deal Stage',
    amount: 'Amount',
    closeDate: 'Close Date',
    owner: 'Deal owner',
    account: 'Associated Company',
  },
  unmappedHeaders: ['Deal Type'],
  dateFormat: 'iso',
  stages: [
    { value: 'Contract Sent', count: 2, stage: 'proposal' },
    { value: 'Closed Won', count: 1, stage: 'won' },
    { value: 'Pilot Running', count: 1, stage: null },
  ],
  activityTypes: [],
};

const stage = (key: string, label: string, position: number, kind: Stage['kind'] = 'open') => ({ key, label, position, kind }) as Stage;
const stages = [
  stage('lead', 'Lead', 1),
  stage('demo', 'Demo', 3),
  stage('proposal', 'Proposal', 4),
  stage('won', 'Won', 6, 'won'),
  stage('lost', 'Lost', 7, 'lost'),
];
const reps = [{ id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Sari Dewi' }] as Rep[];

function render(kind: ImportKind = 'deals', shown: ImportPreview = preview) {
  const wrapper = mount(ImportMappingForm, {
    props: {
      kind,
      preview: shown,
      stages,
      reps,
      defaultCurrency: 'IDR',
      modelValue: mappingFromPreview(kind, shown),
      'onUpdate:modelValue': (value: EditableMapping) => void wrapper.setProps({ modelValue: value }),
    },
    global: { plugins: [createAppI18n('en')] },
  });
  return wrapper;
}

const current = (wrapper: ReturnType<typeof render>) => wrapper.props('modelValue') as EditableMapping;

describe('ImportMappingForm', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("fills every field's select with the server's guess and lists the columns left out", () => {
    const wrapper = render();
    const selected = (field: string) => (wrapper.get(`select[name="column-${field}"]`).element as HTMLSelectElement).value;

    expect(selected('externalId')).toBe('Record ID');
    expect(selected('name')).toBe('Deal Name');
    expect(selected('stage')).toBe('Deal Stage');
    expect(selected('amount')).toBe('Amount');
    expect(selected('owner')).toBe('Deal owner');
    expect(selected('product')).toBe(''); // no guess: not imported
    expect(wrapper.get('[data-testid="unmapped-headers"]').text()).toBe('Columns not imported: Deal Type');
  });

  it('pre-fills the guessed stages and marks the unknown value', () => {
    const wrapper = render();
    const rows = wrapper.findAll('[data-testid="stages-row"]');
    const choice = (index: number) => (rows[index].get('select').element as HTMLSelectElement).value;

    expect(rows.map((row) => row.attributes('data-value'))).toEqual(['Contract Sent', 'Closed Won', 'Pilot Running']);
    expect([choice(0), choice(1), choice(2)]).toEqual(['proposal', 'won', '']);
    expect(rows.map((row) => row.attributes('data-unknown'))).toEqual(['false', 'false', 'true']);
    expect(rows[2].text()).toContain('Unknown');
    expect(rows[2].get('select').attributes('aria-label')).toBe('Stage for “Pilot Running”');
  });

  it('sends the mapping as changed in the selects with the import', async () => {
    const wrapper = render();
    await wrapper.get('select[name="column-product"]').setValue('Deal Type');
    await wrapper.get('select[name="column-closeDate"]').setValue('');
    await wrapper.findAll('[data-testid="stages-row"]')[2].get('select').setValue('demo');
    await wrapper.get('select[name="dateFormat"]').setValue('dmy');
    await wrapper.get('input[name="createReps"]').setValue(true);
    await wrapper.get('select[name="defaultOwnerId"]').setValue(reps[0].id);

    expect(wrapper.get('[data-testid="unmapped-headers"]').text()).toBe('Columns not imported: Close Date');
    expect(wrapper.findAll('[data-testid="stages-row"]')[2].attributes('data-unknown')).toBe('false');

    // The mapping goes to the server as the JSON `mapping` field, before the file.
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ id: 'job' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const file = new File(['Record ID,Deal Name\n1,Acme\n'], 'hubspot-deals.csv', { type: 'text/csv' });
    await runImport('deals', file, mappingToSend('deals', current(wrapper)), '5d0e8f3a-8a53-4c0e-9a3c-2f0c7b6f1e11');

    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/import/deals');
    const form = init.body as FormData;
    expect([...form.keys()]).toEqual(['mapping', 'jobId', 'file']);
    const sent = JSON.parse(form.get('mapping') as string) as ImportMapping;
    expect(sent.columns).toMatchObject({ product: 'Deal Type', closeDate: null, name: 'Deal Name', stage: 'Deal Stage' });
    expect(sent.stages).toEqual({ 'Contract Sent': 'proposal', 'Closed Won': 'won', 'Pilot Running': 'demo' });
    expect(sent).toMatchObject({ dateFormat: 'dmy', createReps: true, createAccounts: true, createProducts: false, defaultOwnerId: reps[0].id });
    expect(sent).not.toHaveProperty('currency');
  });

  it('offers a reps file only the fields of reps, and sends nothing a reps mapping does not take', async () => {
    const repsPreview: ImportPreview = {
      ...preview,
      kind: 'reps',
      headers: ['First Name', 'Last Name', 'Email', 'Team'],
      rows: [['Sari', 'Dewi', 'sari@example.com', 'Jakarta']],
      columns: { firstName: 'First Name', lastName: 'Last Name', email: 'Email', team: 'Team' },
      unmappedHeaders: [],
      stages: [],
    };
    const wrapper = render('reps', repsPreview);

    const names = wrapper.findAll('[data-testid="column-mapping"] select').map((select) => select.attributes('name'));
    expect(names).toEqual(['column-name', 'column-firstName', 'column-lastName', 'column-email', 'column-team', 'column-territory', 'column-active']);
    expect(wrapper.find('[data-testid="stages-mapping"]').exists()).toBe(false);
    expect(wrapper.find('select[name="dateFormat"]').exists()).toBe(false);

    await wrapper.get('select[name="column-territory"]').setValue('Team');
    expect(mappingToSend('reps', current(wrapper))).toEqual({
      columns: { name: null, firstName: 'First Name', lastName: 'Last Name', email: 'Email', team: 'Team', territory: 'Team', active: null },
    });
  });
});
