/**
 * `groupBy` with a per-group cap as an admission rule for the selection step (MMR or plain
 * relevance order): a candidate is admitted while fewer than `cap` picks share its group. A
 * candidate without a group (null) is always admitted.
 */
export type Admit<T> = (candidate: T, picked: readonly T[]) => boolean;

export function capPerGroup<T>(groupOf: (c: T) => string | number | null, cap: number): Admit<T> {
  return (candidate, picked) => {
    const g = groupOf(candidate);
    if (g === null) return true;
    let n = 0;
    for (const p of picked) if (groupOf(p) === g && ++n >= cap) return false;
    return true;
  };
}

/** The first `k` of an ordered list that the rule admits (the no-MMR path). */
export function takeAdmitted<T>(ordered: readonly T[], k: number, admit?: Admit<T>): T[] {
  if (!admit) return ordered.slice(0, k);
  const picked: T[] = [];
  for (const c of ordered) {
    if (picked.length >= k) break;
    if (admit(c, picked)) picked.push(c);
  }
  return picked;
}
