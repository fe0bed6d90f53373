import fc from 'fast-check';
import { convertMinor, divideHalfEven, putExchangeRateSchema, RateTable } from './exchange-rates.js';

/** A rate as people write it: up to 9 whole digits and 0–12 decimals, never 0. */
const rateText = fc
  .tuple(fc.bigInt({ min: 0n, max: 999_999_999n }), fc.integer({ min: 0, max: 12 }), fc.bigInt({ min: 0n, max: 999_999_999_999n }))
  .map(([whole, places, fraction]) => (places === 0 ? String(whole) : `${whole}.${(fraction % 10n ** BigInt(places)).toString().padStart(places, '0')}`))
  .filter((text) => /[1-9]/.test(text));
const amountMinor = fc.bigInt({ min: 0n, max: 1_000_000_000_000_000n });

/**
 * The oracle: the exact product as a decimal digit string, rounded by looking at the digits
 * after the cut, as one would by hand. It shares nothing with convertMinor but the inputs.
 */
function byHand(minor: bigint, rate: string): bigint {
  const [whole, fraction = ''] = rate.split('.');
  const digits = (minor * BigInt(whole + fraction)).toString().padStart(fraction.length + 1, '0');
  const kept = BigInt(digits.slice(0, digits.length - fraction.length));
  const dropped = digits.slice(digits.length - fraction.length);
  if (dropped === '') return kept;
  const half = '5'.padEnd(dropped.length, '0');
  if (dropped > half) return kept + 1n;
  if (dropped < half) return kept;
  return kept % 2n === 0n ? kept : kept + 1n;
}

describe('converting to the organisation currency', () => {
  it('rounds half to even at the minor unit', () => {
    expect(convertMinor(1n, '0.5')).toBe(0n);
    expect(convertMinor(3n, '0.5')).toBe(2n);
    expect(convertMinor(5n, '0.1')).toBe(0n);
    expect(convertMinor(15n, '0.1')).toBe(2n);
    expect(convertMinor(100_000n, '15850.25')).toBe(1_585_025_000n); // USD 1,000.00 → IDR 15,850,250.00
  });

  it('equals the exact product rounded by hand, for any amount and rate', () => {
    fc.assert(fc.property(amountMinor, rateText, (minor, rate) => convertMinor(minor, rate) === byHand(minor, rate)));
  });

  it('is never further than half a minor unit from the exact product', () => {
    fc.assert(
      fc.property(amountMinor, rateText, (minor, rate) => {
        const [whole, fraction = ''] = rate.split('.');
        const scale = 10n ** BigInt(fraction.length);
        const distance = convertMinor(minor, rate) * scale - minor * BigInt(whole + fraction);
        return 2n * (distance < 0n ? -distance : distance) <= scale;
      }),
    );
  });

  it('divides halves to the even neighbour on both signs', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (n) => {
        const rounded = divideHalfEven(2n * n + 1n, 2n);
        return rounded % 2n === 0n && (rounded === n || rounded === n + 1n);
      }),
    );
  });

  it('keeps the organisation currency at 1 without a rate, and an amount at rate 1 unchanged', () => {
    const table = new RateTable('IDR', []);
    fc.assert(fc.property(amountMinor, (minor) => table.convert(minor, 'IDR', '2026-12-07') === minor && convertMinor(minor, '1') === minor));
    expect(table.convert(100n, 'USD', '2026-12-07')).toBeNull();
  });

  it('uses the rate in effect on the day: from its validFrom until the next one', () => {
    const table = new RateTable('IDR', [
      { currency: 'USD', validFrom: '2026-12-01', rate: '15800' },
      { currency: 'USD', validFrom: '2026-11-01', rate: '15500' },
      { currency: 'SGD', validFrom: '2026-11-15', rate: '11700.5' },
    ]);
    expect(table.rateOn('USD', '2026-10-31')).toBeNull();
    expect(table.rateOn('USD', '2026-11-01')).toBe('15500');
    expect(table.rateOn('USD', '2026-11-30')).toBe('15500');
    expect(table.rateOn('USD', '2026-12-01')).toBe('15800');
    expect(table.rateOn('SGD', '2027-01-01')).toBe('11700.5');
    expect(table.startsOn('2026-12-01')).toBe(true);
    expect(table.startsOn('2026-12-02')).toBe(false);
  });

  it('accepts rates as positive decimals only', () => {
    expect(putExchangeRateSchema.parse({ rate: '15850.25' })).toEqual({ rate: '15850.25' });
    expect(putExchangeRateSchema.parse({ rate: 0.000064 })).toEqual({ rate: '0.000064' });
    for (const rate of ['0', '0.000', '-1', '1e3', 'abc', '1.1234567890123']) expect(putExchangeRateSchema.safeParse({ rate }).success).toBe(false);
  });
});
