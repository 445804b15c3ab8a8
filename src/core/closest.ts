// "Did you mean …?" for names a person typed (option values): the known
// name with the fewest edits, when it is close enough to be a typo.

/**
 * The optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and swaps of two neighbouring characters, each
 * one edit (`acount-id` → `account-id` is 1, `scradr` → `srcaddr` is 2).
 * O(|a|·|b|) time, O(|b|) memory; meant for short names.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the dynamic-programming table: two before, one before, this one.
  let before2 = new Array<number>(b.length + 1).fill(0);
  let before = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1);
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(before[j]! + 1, row[j - 1]! + 1, before[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before2[j - 2]! + 1);
      row[j] = d;
    }
    before2 = before;
    before = row;
  }
  return before[b.length]!;
}

/**
 * The candidate closest to `name`, when it is within a third of the
 * longer name's length in edits (at least 1, at most 3), so that unrelated
 * names are not offered; ties go to the earlier candidate. Undefined when
 * none is that close.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(name.length, c.length) / 3)));
    const d = editDistance(name, c);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
