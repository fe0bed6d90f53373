import { describe, expect, it } from 'vitest';
import { nameForms } from './name-forms';

describe('nameForms', () => {
  it('offers the full name, then first name and initial, then first name', () => {
    expect(nameForms('Teguh Prasetyo')).toEqual(['Teguh Prasetyo', 'Teguh P.', 'Teguh']);
    expect(nameForms('Muhammad Rizky Ramadhan')).toEqual(['Muhammad Rizky Ramadhan', 'Muhammad R.', 'Muhammad']);
    expect(nameForms('  Wahyu   Hidayat ')).toEqual(['Wahyu Hidayat', 'Wahyu H.', 'Wahyu']);
  });

  it('leaves a one-word name alone', () => {
    expect(nameForms('Citra')).toEqual(['Citra']);
  });
});
