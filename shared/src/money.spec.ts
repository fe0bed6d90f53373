import { fromMinor, normalizeMoney, toMinor } from './money.js';

describe('exact money', () => {
  it('converts decimal strings and JSON numbers to integer minor units', () => {
    expect(toMinor('1500000')).toBe(150000000);
    expect(toMinor('1500000.5')).toBe(150000050);
    expect(toMinor(0.1)).toBe(10);
    expect(toMinor('-12.34')).toBe(-1234);
  });

  it('adds 0.10 and 0.20 to exactly 0.30', () => {
    expect(fromMinor(toMinor('0.10') + toMinor('0.20'))).toBe('0.30');
  });

  it('formats minor units as a two-decimal string', () => {
    expect(fromMinor(150000050)).toBe('1500000.50');
    expect(fromMinor(-5)).toBe('-0.05');
    expect(normalizeMoney(275000000.5)).toBe('275000000.50');
  });

  it.each(['12.345', 'abc', '', '1e5', '1,5'])('refuses %j', (value) => {
    expect(() => toMinor(value)).toThrow(RangeError);
  });

  it('refuses numbers that are not finite or not integers of minor units', () => {
    expect(() => toMinor(Number.NaN)).toThrow(RangeError);
    expect(() => fromMinor(1.5)).toThrow(RangeError);
  });
});
