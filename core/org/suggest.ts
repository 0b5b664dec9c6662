// "Did you mean": the closest known name to a mistyped one, if it is close enough to be a typo.
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** Whether `short` is `long` with some letters left out (the commonest typo: "vr" for "var"). */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const letter of long) if (letter === short[i]) i += 1;
  return i === short.length;
}

export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const typed = input.toLowerCase();
  // Among names as close as each other, prefer one the input is a shortening of, then one with the same first letter.
  const rank = (name: string) => (isSubsequence(typed, name) ? 0 : 2) + (name[0] === typed[0] ? 0 : 1);
  let best: { name: string; distance: number; rank: number } | undefined;
  for (const name of candidates) {
    const lower = name.toLowerCase();
    const distance = editDistance(typed, lower);
    if (distance > limit) continue;
    const candidate = { name, distance, rank: rank(lower) };
    if (!best || distance < best.distance || (distance === best.distance && candidate.rank < best.rank))
      best = candidate;
  }
  return best?.name;
}

/**
 * For a namespaced name none of whose namespace is known and that is no typo of a known name: that it
 * would come from a plugin that is not loaded (`warehouse.receipt` → plugin "warehouse"); else ''.
 */
export function notLoadedPlugin(input: string, candidates: Iterable<string>): string {
  const namespace = input.split('.')[0]!;
  const known = [...candidates];
  if (!input.includes('.') || known.some((name) => name.startsWith(`${namespace}.`)) || suggest(input, known))
    return '';
  return `: it would come from plugin "${namespace}", which is not loaded (list it in PLUGINS)`;
}
