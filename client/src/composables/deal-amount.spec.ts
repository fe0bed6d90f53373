import { describe, expect, it } from 'vitest';
import { createFormatters } from '@/i18n/format';
import { dealAmountText as format } from './deal-amount';

/** Intl separates a symbol from digits with a no-break space in some locales: compared as plain spaces. */
const dealAmountText = (...args: Parameters<typeof format>) => format(...args).replace(/\s/g, ' ');

const org = { currency: 'IDR', formatters: createFormatters('en-US', 'IDR') };

describe('dealAmountText', () => {
  it('shows a deal in the organisation currency once', () => {
    expect(dealAmountText({ amount: '1500000.00', currency: 'IDR', amountInOrgCurrency: '1500000.00' }, org, 'en-US', 'no rate')).toBe('Rp 1,500,000');
  });

  it('shows a foreign deal in its own currency beside the converted amount', () => {
    expect(dealAmountText({ amount: '1000.00', currency: 'USD', amountInOrgCurrency: '15850250.00' }, org, 'en-US', 'no rate')).toBe(
      'USD 1,000.00 · Rp 15,850,250',
    );
    expect(
      dealAmountText(
        { amount: '1000.00', currency: 'USD', amountInOrgCurrency: '15850250.00' },
        { currency: 'IDR', formatters: createFormatters('id-ID', 'IDR') },
        'id-ID',
        'tanpa kurs',
      ),
    ).toBe('USD 1.000,00 · Rp 15.850.250');
  });

  it('says there is no rate rather than show the unconverted amount as the organisation currency', () => {
    expect(dealAmountText({ amount: '25.00', currency: 'EUR', amountInOrgCurrency: null }, org, 'en-US', 'no rate')).toBe('EUR 25.00 · no rate');
  });
});
