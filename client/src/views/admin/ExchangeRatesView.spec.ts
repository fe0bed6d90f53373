import type { ExchangeRate } from '@salesboard/shared';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpAnswer, stubServer } from '@/components/admin/fetch-stub';
import { createAppI18n } from '@/i18n';
import ExchangeRatesView from './ExchangeRatesView.vue';

const AT = '2026-12-07T03:00:00.000Z';
let rates: ExchangeRate[];

function server() {
  return stubServer({
    'GET /exchange-rates': () => ({ orgCurrency: 'IDR', rates }),
    'PUT /exchange-rates/USD/2026-12-07': (body: unknown) => {
      const saved = { currency: 'USD', validFrom: '2026-12-07', rate: (body as { rate: string }).rate, updatedAt: AT };
      rates = [...rates, saved];
      return saved;
    },
    'PUT /exchange-rates/XXX/2026-12-07': new HttpAnswer(400, {
      statusCode: 400,
      error: 'Bad Request',
      message: 'rate: must be greater than 0',
      issues: [{ path: 'rate', message: 'must be greater than 0' }],
    }),
    'DELETE /exchange-rates/USD/2026-01-01': new HttpAnswer(409, {
      statusCode: 409,
      error: 'Conflict',
      message: 'rate: 3 deal(s) in USD on or after 2026-01-01 would have no exchange rate; add an earlier rate or change those deals first',
    }),
    'DELETE /exchange-rates/SGD/2026-03-01': () => {
      rates = rates.filter((rate) => rate.currency !== 'SGD');
      return undefined;
    },
  });
}

async function render(locale: 'en' | 'id' = 'en') {
  const wrapper = mount(ExchangeRatesView, { global: { plugins: [createAppI18n(locale)] } });
  await flushPromises();
  return wrapper;
}

const shown = (wrapper: Awaited<ReturnType<typeof render>>) =>
  wrapper.findAll('[data-testid="rate"]').map((row) =>
    row
      .findAll('th, td')
      .slice(0, 3)
      .map((cell) => cell.text())
      .join(' '),
  );

describe('ExchangeRatesView', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    rates = [
      { currency: 'USD', validFrom: '2026-01-01', rate: '15500', updatedAt: AT },
      { currency: 'SGD', validFrom: '2026-03-01', rate: '11700.5', updatedAt: AT },
      { currency: 'USD', validFrom: '2026-06-01', rate: '15800.25', updatedAt: AT },
    ];
  });

  it('lists rates by currency, newest first, in units of the organisation currency', async () => {
    server();
    const wrapper = await render();
    expect(shown(wrapper)).toEqual(['SGD 2026-03-01 11700.5', 'USD 2026-06-01 15800.25', 'USD 2026-01-01 15500']);
    expect(wrapper.text()).toContain('IDR per unit');
    expect(wrapper.text()).toContain('Every figure is in IDR');
  });

  it('sets a rate with the currency in capitals and the day picked, and lists it', async () => {
    const api = server();
    const wrapper = await render();
    await wrapper.get('input[name="currency"]').setValue('usd');
    await wrapper.get('input[name="validFrom"]').setValue('2026-12-07');
    await wrapper.get('input[name="rate"]').setValue(' 15850.25 ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(api.writes()).toEqual([{ method: 'PUT', path: '/exchange-rates/USD/2026-12-07', body: { rate: '15850.25' } }]);
    expect(shown(wrapper)).toContain('USD 2026-12-07 15850.25');
    expect(wrapper.text()).toContain('1 USD = 15850.25 IDR from 2026-12-07');
  });

  it('shows the field the server names when a rate is refused', async () => {
    server();
    const wrapper = await render();
    await wrapper.get('input[name="currency"]').setValue('XXX');
    await wrapper.get('input[name="validFrom"]').setValue('2026-12-07');
    await wrapper.get('input[name="rate"]').setValue('0');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('input[name="rate"]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.text()).toContain('must be greater than 0');
  });

  it("deletes a rate, and shows the server's reason when deals still need one", async () => {
    vi.stubGlobal('confirm', () => true);
    const api = server();
    const wrapper = await render();

    await wrapper.get('[data-rate="SGD 2026-03-01"] button.danger').trigger('click');
    await flushPromises();
    expect(shown(wrapper)).toEqual(['USD 2026-06-01 15800.25', 'USD 2026-01-01 15500']);

    await wrapper.get('[data-rate="USD 2026-01-01"] button.danger').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="rate-error"]').text()).toMatch(/^rate: 3 deal\(s\) in USD on or after 2026-01-01 would have no exchange rate/);
    expect(shown(wrapper)).toContain('USD 2026-01-01 15500');
    expect(api.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['DELETE /exchange-rates/SGD/2026-03-01', 'DELETE /exchange-rates/USD/2026-01-01']);
  });

  it('speaks Bahasa Indonesia', async () => {
    server();
    const wrapper = await render('id');
    expect(wrapper.text()).toContain('Semua angka dalam IDR');
    expect(wrapper.text()).toContain('Tetapkan kurs');
  });
});
