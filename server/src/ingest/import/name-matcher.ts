/**
 * "Did you mean": the nearest existing name to one a file writes that names nothing. Names are
 * compared by a key that leaves case, spaces, punctuation and accents aside ("GTXPro" and
 * "GTX Pro" share theirs), then by how many typos apart the keys are (an edit distance counting
 * a swap of two neighbours as one), within an allowance that grows with the name's length: a
 * short name with one letter changed is another name, not a typo.
 */
import { looseKey } from './values.js';

/** The key names are compared by: "José  GTX-Pro" → "josegtxpro". */
export function matchKey(text: string): string {
  return looseKey(text.normalize('NFKD'));
}

/**
 * Typos allowed between keys of this length: none up to 3 characters (only case, spacing and
 * punctuation differ), then one per 4 characters, at most 3.
 */
export function typoAllowance(length: number): number {
  return length <= 3 ? 0 : Math.min(3, Math.max(1, Math.floor(length / 4)));
}

/**
 * The optimal-string-alignment distance between a and b (insertions, deletions, substitutions and
 * swaps of neighbours), or Infinity as soon as it must exceed `max`. Only the diagonal band of
 * width 2·max+1 is computed, so a long list of candidates costs little.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return Infinity;
  if (a === b) return 0;
  const width = b.length + 1;
  let before = new Array<number>(width).fill(Infinity);
  let previous = new Array<number>(width).fill(Infinity);
  let current = new Array<number>(width).fill(Infinity);
  for (let j = 0; j <= Math.min(b.length, max); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current.fill(Infinity);
    if (i <= max) current[0] = i;
    let best = current[0];
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return Infinity;
    [before, previous, current] = [previous, current, before];
  }
  const distance = previous[b.length];
  return distance > max ? Infinity : distance;
}

export interface NameMatch<T> {
  /** The existing name, as it is written. */
  name: string;
  target: T;
  distance: number;
}

/** Candidates beyond this many are not searched: a suggestion must not cost an import its pace. */
export const MATCHER_CANDIDATES = 100_000;

/** The existing names of one kind (reps, accounts, products, stages), searched for the nearest to a value. */
export class NameMatcher<T> {
  /** Candidates by the length of their key, so only those within the allowance are compared. */
  private readonly byLength = new Map<number, { key: string; name: string; target: T }[]>();
  private readonly answers = new Map<string, NameMatch<T> | null>();

  constructor(entries: Iterable<{ name: string; target: T }>) {
    for (const { name, target } of entries) {
      const key = matchKey(name);
      if (!key) continue;
      const list = this.byLength.get(key.length) ?? [];
      list.push({ key, name, target });
      this.byLength.set(key.length, list);
    }
    // Ties go to the name that sorts first, so the same file always gets the same suggestions.
    for (const list of this.byLength.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The nearest existing name to `value`, or null when none is within the allowance. */
  nearest(value: string): NameMatch<T> | null {
    const key = matchKey(value);
    if (!key) return null;
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    const allowance = typoAllowance(key.length);
    let best: NameMatch<T> | null = null;
    // Nearest lengths first: an exact key is found before anything is compared letter by letter.
    for (let spread = 0; spread <= allowance; spread++) {
      for (const length of spread === 0 ? [key.length] : [key.length - spread, key.length + spread]) {
        for (const candidate of this.byLength.get(length) ?? []) {
          const distance = editDistance(key, candidate.key, best ? best.distance - 1 : allowance);
          if (distance < (best?.distance ?? Infinity)) best = { name: candidate.name, target: candidate.target, distance };
          if (best?.distance === 0) break;
        }
      }
      if (best && best.distance <= spread) break;
    }
    if (this.answers.size > 10_000) this.answers.clear();
    this.answers.set(key, best);
    return best;
  }
}

/** `; did you mean "X"?`, or nothing. Appended to a reject reason. */
export function didYouMean(suggestion: string | null | undefined): string {
  return suggestion ? `; did you mean "${suggestion}"?` : '';
}
