/**
 * The forms a person's name may take on a TV, longest first: "Budi Santoso", "Budi S.", "Budi".
 * A name is shortened, never cut: the floor knows "Teguh P."; nobody knows "Teguh Prase…".
 */
export function nameForms(name: string): string[] {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return [words[0] ?? name];
  const first = words[0];
  const lastInitial = [...words[words.length - 1]][0];
  return [words.join(' '), `${first} ${lastInitial}.`, first];
}
