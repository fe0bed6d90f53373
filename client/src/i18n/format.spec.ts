import { toMinor } from '@salesboard/shared';
import { describe, expect, it } from 'vitest';
import { createFormatters } from './format';

/** Intl puts no-break spaces between symbol and number; compare what a reader sees. */
const plain = (text: string) => text.replace(/\s/g, ' ');

describe('createFormatters', () => {
  it('prints rupiah in the compact TV form of each language', () => {
    const id = createFormatters('id-ID', 'IDR');
    const en = createFormatters('en-US', 'IDR');

    expect(plain(id.compactMoney(toMinor('1234567890.00')))).toBe('Rp 1,2 M');
    expect(plain(id.compactMoney(toMinor('1250000.00')))).toBe('Rp 1,3 jt');
    expect(plain(en.compactMoney(toMinor('1234567890.00')))).toBe('Rp 1.2B');
  });

  it('prints every digit of an amount beyond float precision', () => {
    const en = createFormatters('en-US', 'USD');
    // 90 trillion and one cent: as a float divided by 100 this would lose the cent.
    expect(en.money(toMinor('90071992547409.91'))).toBe('$90,071,992,547,409.91');
  });

  it('shows clock times in the organisation time zone', () => {
    const jakarta = createFormatters('id-ID', 'IDR', 'Asia/Jakarta');
    expect(jakarta.time('2026-11-28T07:05:00.000Z')).toBe('14.05');
  });
});
