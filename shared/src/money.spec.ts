import fc from 'fast-check';
import { fromMinor, isWithinAmountBound, MAX_AMOUNT, MAX_AMOUNT_MINOR, normalizeMoney, sumMinor, toMinor } from './money.js';
import { moneySchema } from './schemas.js';

/** A decimal string with up to `wholeDigits` whole digits and 0–2 decimals, as people and SQL write them. */
const decimalText = (wholeDigits: number) =>
  fc
    .tuple(fc.boolean(), fc.stringMatching(new RegExp(`^[1-9]\\d{0,${wholeDigits - 1}}$|^0$`)), fc.stringMatching(/^(\.\d{1,2})?$/))
    .map(([negative, whole, fraction]) => `${negative && whole !== '0' ? '-' : ''}${whole}${fraction}`);

/** Exact decimal addition on the digits, independent of toMinor: the oracle the sums are checked against. */
function addDecimals(texts: readonly string[]): string {
  let total = 0n;
  for (const text of texts) {
    const [whole, fraction = ''] = text.replace('-', '').split('.');
    const cents = BigInt(`${whole}${fraction.padEnd(2, '0')}`);
    total += text.startsWith('-') ? -cents : cents;
  }
  const abs = total < 0n ? -total : total;
  const digits = abs.toString().padStart(3, '0');
  return `${total < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

describe('exact money', () => {
  it('converts decimal strings and JSON numbers to bigint minor units', () => {
    expect(toMinor('1500000')).toBe(150000000n);
    expect(toMinor('1500000.5')).toBe(150000050n);
    expect(toMinor(0.1)).toBe(10n);
    expect(toMinor('-12.34')).toBe(-1234n);
  });

  it('adds 0.10 and 0.20 to exactly 0.30', () => {
    expect(fromMinor(toMinor('0.10') + toMinor('0.20'))).toBe('0.30');
  });

  it('formats minor units as a two-decimal string', () => {
    expect(fromMinor(150000050n)).toBe('1500000.50');
    expect(fromMinor(-5n)).toBe('-0.05');
    expect(fromMinor(150000050)).toBe('1500000.50');
    expect(normalizeMoney(275000000.5)).toBe('275000000.50');
  });

  it.each(['12.345', 'abc', '', '1e5', '1,5', '1e+21'])('refuses %j', (value) => {
    expect(() => toMinor(value)).toThrow(RangeError);
  });

  it('refuses numbers that are not finite or not integers of minor units', () => {
    expect(() => toMinor(Number.NaN)).toThrow(RangeError);
    expect(() => fromMinor(1.5)).toThrow(RangeError);
    expect(() => fromMinor(2 ** 53)).toThrow(RangeError);
  });

  it('round-trips any decimal through minor units, SQL sums longer than an amount included', () => {
    fc.assert(
      fc.property(decimalText(40), (text) => {
        expect(fromMinor(toMinor(text))).toBe(addDecimals([text]));
      }),
    );
  });

  it('round-trips any bigint through its decimal string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), (minor) => {
        expect(toMinor(fromMinor(minor))).toBe(minor);
      }),
    );
  });

  it('sums amounts exactly as decimal addition does, far beyond 2^53 minor units', () => {
    fc.assert(
      fc.property(fc.array(decimalText(15), { maxLength: 200 }), (texts) => {
        expect(fromMinor(sumMinor(texts.map(toMinor)))).toBe(addDecimals(texts));
      }),
    );
    // Ten deals at the bound: 10^16 minor units, past 2^53, where a number sum drifts.
    const atBound = Array.from({ length: 10 }, () => MAX_AMOUNT);
    expect(10 * Number(MAX_AMOUNT_MINOR)).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    expect(fromMinor(sumMinor(atBound.map(toMinor)))).toBe('100000000000000.00');
  });

  it('reads JSON numbers with cents exactly up to the bound', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_AMOUNT_MINOR }), (minor) => {
        const text = fromMinor(minor);
        expect(toMinor(Number(text))).toBe(minor);
      }),
    );
  });
});

describe('the amount bound', () => {
  it('takes 0 and MAX_AMOUNT, refuses a cent more and anything negative', () => {
    expect(isWithinAmountBound(0n)).toBe(true);
    expect(isWithinAmountBound(MAX_AMOUNT_MINOR)).toBe(true);
    expect(isWithinAmountBound(MAX_AMOUNT_MINOR + 1n)).toBe(false);
    expect(isWithinAmountBound(-1n)).toBe(false);
  });

  it('is what moneySchema says, naming the bound', () => {
    expect(moneySchema.parse('10000000000000')).toBe(MAX_AMOUNT);
    expect(moneySchema.parse(10000000000000)).toBe(MAX_AMOUNT);
    for (const over of ['10000000000000.01', '50000000000000.00', 90071992547409.92, '999999999999999.99']) {
      const result = moneySchema.safeParse(over);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([`must be at most ${MAX_AMOUNT}`]);
    }
  });
});
