import type { ImportKind, ImportMapping, ImportPreview, Product, Rep, Stage } from '@salesboard/shared';
import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runImport } from '@/api/imports';
import { createAppI18n } from '@/i18n';
import ImportMappingForm from './ImportMappingForm.vue';
import { type EditableMapping, mappingFromPreview, mappingToSend, previewMappingToSend, unmappedValues } from './import-mapping';

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
    { value: 'Contract Sent', count: 2, stage: 'proposal', suggestion: null },
    { value: 'Closed Won', count: 1, stage: 'won', suggestion: null },
    { value: 'Pilot Running', count: 1, stage: null, suggestion: null },
    { value: 'Demoo', count: 1, stage: null, suggestion: 'demo' },
  ],
  activityTypes: [],
  names: {
    owners: [
      { value: 'Sari Dewi', count: 3, match: 'Sari Dewi', suggestion: null },
      { value: 'Sari Dwei', count: 1, match: null, suggestion: 'Sari Dewi' },
    ],
    accounts: [
      { value: 'Acme', count: 3, match: 'Acme', suggestion: null },
      { value: 'PT Maju Jya', count: 1, match: null, suggestion: 'PT Maju Jaya' },
    ],
    products: [{ value: 'GTXPro', count: 4, match: null, suggestion: 'GTX Pro' }],
  },
};

/** The same export with a product column, whose one value matches no product as written. */
const withProduct: ImportPreview = { ...preview, headers: [...preview.headers, 'Product'], columns: { ...preview.columns, product: 'Product' } };

const stage = (key: string, label: string, position: number, kind: Stage['kind'] = 'open') => ({ key, label, position, kind }) as Stage;
const stages = [
  stage('lead', 'Lead', 1),
  stage('demo', 'Demo', 3),
  stage('proposal', 'Proposal', 4),
  stage('won', 'Won', 6, 'won'),
  stage('lost', 'Lost', 7, 'lost'),
];
const reps = [
  { id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Sari Dewi', email: 'sari@example.co.id' },
  { id: '0b6f1c1e-6d1a-4f53-9d0e-5b3c1a2f4e01', name: 'Budi Santoso', email: 'budi.a@example.co.id' },
  { id: '2a1d9c4e-3f6b-4e8a-8c7d-1e2f3a4b5c6d', name: 'Budi Santoso', email: 'budi.b@example.co.id' },
] as Rep[];
const products = [
  { id: '5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b', name: 'GTX Pro' },
  { id: '6f2a3b4c-5d6e-4f70-8b8c-0d1e2f3a4b5c', name: 'GTX Basic' },
] as Product[];

function render(kind: ImportKind = 'deals', shown: ImportPreview = preview) {
  const wrapper = mount(ImportMappingForm, {
    props: {
      kind,
      preview: shown,
      stages,
      reps,
      products,
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

    expect(rows.map((row) => row.attributes('data-value'))).toEqual(['Contract Sent', 'Closed Won', 'Pilot Running', 'Demoo']);
    expect([choice(0), choice(1), choice(2), choice(3)]).toEqual(['proposal', 'won', '', '']);
    expect(rows.map((row) => row.attributes('data-unknown'))).toEqual(['false', 'false', 'true', 'true']);
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
    expect(sent).toMatchObject({ owners: {}, accounts: {}, products: {} });
    expect(sent).toMatchObject({ dateFormat: 'dmy', createReps: true, createAccounts: true, createProducts: false, defaultOwnerId: reps[0].id });
    expect(sent).not.toHaveProperty('currency');
  });

  it('offers the nearest stage for a misspelt one in words, and applies it only when clicked', async () => {
    const wrapper = render();
    const row = () => wrapper.findAll('[data-testid="stages-row"]')[3];
    expect(row().get('[data-testid="suggestion"]').text()).toBe('Did you mean “Demo”?');
    expect(current(wrapper).stages).not.toHaveProperty('Demoo');
    expect(wrapper.findAll('[data-testid="stages-row"]')[2].find('[data-testid="suggestion"]').exists()).toBe(false);

    await row().get('[data-testid="suggestion"]').trigger('click');
    expect(current(wrapper).stages.Demoo).toBe('demo');
    expect(row().attributes('data-unknown')).toBe('false');
    expect(row().find('[data-testid="suggestion"]').exists()).toBe(false);
  });

  it('lists the owner, account and product names that match nothing, with the nearest one offered but not applied', () => {
    const wrapper = render('deals', withProduct);
    const values = (what: string) => wrapper.findAll(`[data-testid="${what}-row"]`).map((row) => row.attributes('data-value'));
    expect(values('owners')).toEqual(['Sari Dwei']);
    expect(values('accounts')).toEqual(['PT Maju Jya']);
    expect(values('products')).toEqual(['GTXPro']);
    expect(wrapper.get('[data-testid="owners-mapping"] [data-testid="matched"]').text()).toBe('One value of “Deal owner” names a rep as written.');
    expect(wrapper.get('[data-testid="products-mapping"] [data-testid="suggestion"]').text()).toBe('Did you mean “GTX Pro”?');

    // Reps by name, or by email where two share one; products by name; accounts only by their suggestion.
    const options = (what: string) =>
      wrapper
        .get(`[data-testid="${what}-row"] select`)
        .findAll('option')
        .map((option) => option.attributes('value'));
    expect(options('owners')).toEqual(['', 'budi.a@example.co.id', 'budi.b@example.co.id', 'Sari Dewi']);
    expect(options('products')).toEqual(['', 'GTX Basic', 'GTX Pro']);
    expect(options('accounts')).toEqual(['', 'PT Maju Jaya']);

    // Rows with unknown owners and products are rejected (those options are off); unknown accounts are created.
    expect(wrapper.get('[data-testid="owners-row"]').text()).toContain('Unknown');
    expect(wrapper.get('[data-testid="accounts-row"]').text()).toContain('New');
    expect(unmappedValues('deals', withProduct, current(wrapper))).toEqual(['Pilot Running', 'Demoo', 'Sari Dwei', 'GTXPro']);
  });

  it('maps a name by its suggestion or a choice, sends the mapping with the import but not with the preview, and can undo it', async () => {
    const wrapper = render('deals', withProduct);
    await wrapper.get('[data-testid="products-row"] [data-testid="suggestion"]').trigger('click');
    await wrapper.get('[data-testid="owners-row"] select').setValue('Sari Dewi');
    await wrapper.get('[data-testid="accounts-row"] [data-testid="suggestion"]').trigger('click');

    expect(wrapper.get('[data-testid="products-row"]').attributes('data-unknown')).toBe('false');
    expect(unmappedValues('deals', withProduct, current(wrapper))).toEqual(['Pilot Running', 'Demoo']);
    const sent = mappingToSend('deals', current(wrapper));
    expect(sent).toMatchObject({ owners: { 'Sari Dwei': 'Sari Dewi' }, accounts: { 'PT Maju Jya': 'PT Maju Jaya' }, products: { GTXPro: 'GTX Pro' } });
    expect(previewMappingToSend('deals', current(wrapper))).toMatchObject({ owners: {}, accounts: {}, products: {} });

    await wrapper.get('[data-testid="owners-row"] select').setValue('');
    expect(current(wrapper).owners).toEqual({});
    expect(wrapper.get('[data-testid="owners-row"]').attributes('data-unknown')).toBe('true');
  });

  it('says a deals file without a name column names its deals from account and product', async () => {
    const wrapper = render();
    expect(wrapper.find('[data-testid="name-from-references"]').exists()).toBe(false);
    await wrapper.get('select[name="column-name"]').setValue('');
    expect(wrapper.get('[data-testid="name-from-references"]').text()).toBe('No name column: each deal is named “account – product”.');
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
      names: { owners: [], accounts: [], products: [] },
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
