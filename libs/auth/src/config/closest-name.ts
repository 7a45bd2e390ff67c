/**
 * Levenshtein distance between two strings (insertions, deletions, substitutions), in O(a x b)
 * time and O(b) memory. Only ever run on option names, so the sizes are tiny.
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known name closest to `name`, ignoring case, when it is close enough to be a typo (at most
 * 2 edits, or a third of the name's length for long names); null otherwise.
 *
 * @example
 * closestName('audiences', ['audience', 'issuer']) // 'audience'
 */
export function closestName(name: string, known: readonly string[]): string | null {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= limit ? best : null;
}
