/**
 * The project's own exact search, wrapped for the index benchmark: a plain dot-product scan over
 * row-major unit vectors with a bounded top-k. (Cosine = dot product on unit vectors.)
 */
export interface BruteForce {
  kind: string;
  search(query: Float32Array, k: number): number[];
}

export function bruteForce(data: Float32Array, dim: number): BruteForce {
  const n = data.length / dim;
  const scores = new Float32Array(n);
  return {
    kind: 'JS loop',
    search(query, k) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        const base = i * dim;
        for (let d = 0; d < dim; d++) s += data[base + d] * query[d];
        scores[i] = s;
      }
      // Partial selection: keep the k best in a small sorted array.
      const best: number[] = [];
      for (let i = 0; i < n; i++) {
        if (best.length === k && scores[i] <= scores[best[k - 1]]) continue;
        let j = best.length === k ? k - 1 : best.length;
        while (j > 0 && scores[best[j - 1]] < scores[i]) j--;
        best.splice(j, 0, i);
        if (best.length > k) best.pop();
      }
      return best;
    },
  };
}
