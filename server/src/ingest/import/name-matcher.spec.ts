import fc from 'fast-check';
import { editDistance, matchKey, NameMatcher, typoAllowance } from './name-matcher.js';

/** The textbook full-table optimal-string-alignment distance, to check the banded one against. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

const matcher = (...names: string[]) => new NameMatcher(names.map((name) => ({ name, target: name })));

describe('name matcher', () => {
  it('compares names with case, spaces, punctuation and accents left aside', () => {
    expect(matchKey('GTX Pro')).toBe(matchKey('GTXPro'));
    expect(matchKey('  gtx-pro. ')).toBe('gtxpro');
    expect(matchKey('José Saragih')).toBe(matchKey('Jose SARAGIH'));
    expect(matchKey('PT. Maju Jaya, Tbk')).toBe('ptmajujayatbk');
  });

  it('suggests the product a file spells without its space', () => {
    const products = matcher('GTX Basic', 'GTX Pro', 'GTX Enterprise');
    expect(products.nearest('GTXPro')).toMatchObject({ name: 'GTX Pro', distance: 0 });
    expect(products.nearest('gtx-pro')).toMatchObject({ name: 'GTX Pro', distance: 0 });
  });

  it('suggests a name a few typos away, and counts a swap of neighbours as one typo', () => {
    const reps = matcher('Budi Santoso', 'Siti Rahayu', 'Dewi Lestari');
    expect(reps.nearest('Budi Santsoo')).toMatchObject({ name: 'Budi Santoso', distance: 1 });
    expect(reps.nearest('Siti Rahyau')).toMatchObject({ name: 'Siti Rahayu', distance: 1 });
    expect(reps.nearest('Dewi Lestri')).toMatchObject({ name: 'Dewi Lestari', distance: 1 });
    expect(matcher('PT Maju Jaya').nearest('PT Maju Jya')).toMatchObject({ name: 'PT Maju Jaya', distance: 1 });
  });

  it('suggests nothing for a name too far from every one, nor for a short name one letter off', () => {
    const reps = matcher('Budi Santoso', 'Ani', 'Rina Wijaya');
    expect(reps.nearest('Agus Salim')).toBeNull();
    expect(reps.nearest('Ana')).toBeNull();
    expect(reps.nearest('ANI')).toMatchObject({ name: 'Ani', distance: 0 });
    expect(reps.nearest('...')).toBeNull();
    expect(matcher().nearest('Anything')).toBeNull();
  });

  it('prefers the nearest name, and between equally near ones the one that sorts first', () => {
    expect(matcher('Hotel Melati Dua', 'Hotel Melati').nearest('Hotel Melatti')).toMatchObject({ name: 'Hotel Melati', distance: 1 });
    expect(matcher('Kopi Kitb', 'Kopi Kita').nearest('Kopi Kitc')).toMatchObject({ name: 'Kopi Kita', distance: 1 });
    expect(matcher('Kopi Kita', 'Kopi Kitb').nearest('Kopi Kitc')).toMatchObject({ name: 'Kopi Kita', distance: 1 });
  });

  it('allows more typos in longer names, up to three', () => {
    expect([0, 3, 4, 7, 8, 12, 40].map(typoAllowance)).toEqual([0, 0, 1, 1, 2, 3, 3]);
  });

  it('computes the banded distance as the full table does, within the band, and Infinity past it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, max) => {
        const full = referenceDistance(a, b);
        expect(editDistance(a, b, max)).toBe(full <= max ? full : Infinity);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds what a full scan would: the smallest distance within the allowance, over any list', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'D'), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 30 }), word, (names, value) => {
        const key = matchKey(value);
        const distances = names
          .filter((name) => matchKey(name) !== '')
          .map((name) => referenceDistance(key, matchKey(name)))
          .filter((d) => d <= typoAllowance(key.length));
        const found = matcher(...names).nearest(value);
        expect(found?.distance ?? null).toBe(key && distances.length ? Math.min(...distances) : null);
      }),
      { numRuns: 1000 },
    );
  });
});
