/**
 * Precomputed candidates per interest: a shopper's interests are followed creators' centroids,
 * shared by every follower, so the products nearest each centroid are found once (an exact scan,
 * in the scan worker) and kept as a sorted list; a request walks the lists of its interests and
 * keeps the first products that pass its filters. No ANN search and no per-node JS callback on the
 * request path.
 *
 * Invariant of every list: it holds EXACTLY the best |list| products (by dot product with the
 * centroid, ties by id) among the live products that pass its restriction; `complete` means it
 * holds all of them. So the first k passing entries of a list are the exact filtered top k,
 * whenever the list has k passing entries or is complete. Otherwise the request asks for a list
 * restricted to its own filters (built once, then cached and maintained like the others).
 *
 * Freshness: the table announces every row write and removal; each list drops that row and
 * re-inserts it if it still passes, with its new score (`rowWritten`). A scan that ran while rows
 * changed is corrected with the rows it may have seen half-written (`touched`). Lists hold no
 * consent state: sensitivity, clicks and filters are applied per request, and which interests a
 * shopper has is the profile's business.
 */
import type { Interest } from '../profile/profile.js';
import type { ProductTable } from './product-table.js';
import { passes, restrictionKey, scoreRow, UNRESTRICTED, type Restriction, type ScanResult } from './scan.js';
import type { Scanner } from './scanner.js';

/**
 * What the lists can apply themselves, from the table's columns: one category, one merchant, a
 * price range in the products' own currency, health, and excluded ids. Richer filters (several
 * values, brand, colour, converted prices) come as `accept`: a walk that finds too few entries
 * passing it builds deeper, then answers from an exact inline scan (`MAX_ATTEMPTS`).
 */
export interface ListRules {
  filters?: { category?: string; merchant?: string; minPrice?: number; maxPrice?: number };
  excludeIds?: ReadonlySet<string>;
  allowSensitive: boolean;
  /** A predicate beyond the table's columns, applied to every walked entry (exact; see the class doc). */
  accept?: (id: string) => boolean;
}

/** A retrieved product: its table row is valid for the duration of the synchronous callback. */
export interface RowCandidate {
  id: string;
  row: number;
  /** Best dot product with any interest. */
  relevance: number;
}

interface List {
  creatorId: string | null;
  query: Float32Array;
  restriction: Restriction;
  rows: number[];
  scores: number[];
  members: Set<number>;
  complete: boolean;
  /** Longest the list may grow by insertions before its tail is dropped. */
  cap: number;
}

export interface CandidateListOptions {
  /** Products kept per list (RECOMMEND_CANDIDATE_DEPTH). */
  depth: number;
  /** Lists kept at most; the least recently used go first. */
  maxLists?: number;
}

/**
 * The part of `rules` the table's columns apply (in a scan, in the worker); null when a category or
 * merchant no product has makes every row fail.
 */
export function restrictionOf(table: ProductTable, rules: ListRules): Restriction | null {
  const f = rules.filters ?? {};
  const codes = table.codesOf(f);
  if (codes.category === -2 || codes.merchant === -2) return null;
  return { category: codes.category, merchant: codes.merchant, minPrice: f.minPrice ?? -Infinity, maxPrice: f.maxPrice ?? Infinity, allowSensitive: rules.allowSensitive };
}

const WITHOUT_SENSITIVE: Restriction = { ...UNRESTRICTED, allowSensitive: false };

/** Attempts at a consistent walk before giving up on lists and scanning inline. */
const MAX_ATTEMPTS = 4;

/** How much deeper each rebuild of a list that fell short goes (2,000 → 32,000 → 512,000 rows). */
const DEEPER_BY = 16;

export class CandidateLists {
  private readonly lists = new Map<string, List>();
  private readonly building = new Map<string, Promise<void>>();
  private readonly touched = new Set<Set<number>>();
  private readonly keys = new WeakMap<Float32Array, { base: string; withoutSensitive: string }>();
  private readonly depth: number;
  private readonly maxLists: number;
  /** merge()'s scratch: rows met in the current merge carry `epoch` in `mark`, their best score in `best`. */
  private mark = new Int32Array(0);
  private best = new Float64Array(0);
  private epoch = 0;

  constructor(
    private readonly table: ProductTable,
    private readonly scanner: Scanner,
    options: CandidateListOptions,
  ) {
    this.depth = options.depth;
    this.maxLists = options.maxLists ?? 1000;
    table.onWrite((row) => this.rowWritten(row));
  }

  get size(): number {
    return this.lists.size;
  }

  /**
   * Up to `perInterest` products per interest that pass `rules`, merged (a product found by several
   * interests keeps its best relevance), best first; ties keep interest order, then list order.
   * `use` runs synchronously on them: the rows are only valid inside it.
   */
  async withCandidates<T>(interests: Interest[], perInterest: number, rules: ListRules, use: (candidates: RowCandidate[]) => T): Promise<T> {
    const excluded = rules.excludeIds ?? new Set<string>();
    const restriction = restrictionOf(this.table, rules);
    // A category or merchant no product has: nothing can pass, and there is nothing to keep a list of.
    if (!restriction) return use([]);
    const extra = rules.accept;
    const accept = (row: number) =>
      passes(this.table, row, restriction) && (excluded.size === 0 || !excluded.has(this.table.idAt(row))) && (!extra || extra(this.table.idAt(row)));
    // The walk after the last build counts too: that build may have made the list complete.
    for (let attempt = 0; ; attempt++) {
      const builds: Promise<void>[] = [];
      const perList: Hits[] = [];
      for (const interest of interests) {
        const hits = this.walkOrPlan(interest, restriction, perInterest, excluded.size, accept, builds);
        if (hits) perList.push(hits);
      }
      if (builds.length === 0) return use(this.merge(perList));
      if (attempt === MAX_ATTEMPTS) break;
      await Promise.all(builds);
    }
    // Lists kept changing under us (heavy concurrent writes): answer exactly from an inline scan.
    return use(this.merge(interests.map((i) => this.inlineWalk(i.centroid, perInterest, accept))));
  }

  /** A creator's interests changed or went away: their lists are no longer reachable. */
  dropCreator(creatorId: string): void {
    for (const [key, list] of this.lists) if (list.creatorId === creatorId) this.lists.delete(key);
  }

  clear(): void {
    this.lists.clear();
  }

  /** The hits of one interest, or null after queueing the build that would answer it. */
  private walkOrPlan(interest: Interest, r: Restriction, k: number, excludedCount: number, accept: (row: number) => boolean, builds: Promise<void>[]) {
    // From the most general list to the request's own: any of them answers exactly if it has k
    // passing entries or is complete (an unfiltered list serves most filtered requests too).
    const keys = this.keysOf(interest.centroid);
    const base = keys.base;
    const tiers: Array<[string, Restriction]> = [[base, UNRESTRICTED]];
    if (!r.allowSensitive) tiers.push([keys.withoutSensitive, WITHOUT_SENSITIVE]);
    const filtered = r.category !== -1 || r.merchant !== -1 || r.minPrice !== -Infinity || r.maxPrice !== Infinity;
    if (filtered) tiers.push([`${base}|${restrictionKey(r)}`, r]);
    let specific: List | undefined;
    for (const [key] of tiers) {
      const list = this.get(key);
      if (!list) continue;
      specific = list;
      const hits = walk(list, k, accept);
      if (hits.rows.length >= k || list.complete) return hits;
    }
    // The most specific list is missing or too short (a filter beyond its restriction passes too
    // few of its entries): build it deep enough for this request, each retry DEEPER_BY times
    // deeper than the list that fell short, so a selective filter reaches a complete list in a
    // few worker scans instead of repeating the same one.
    const [key, restriction] = tiers[tiers.length - 1]!;
    const have = specific && this.lists.get(key) === specific ? specific.cap : 0;
    // No deeper than the table: a scan that keeps every row gives a complete list.
    const depth = Math.min(Math.max(this.depth, k + excludedCount, have * DEEPER_BY), Math.max(1, this.table.rowCount));
    builds.push(this.build(key, interest, restriction, depth));
    return null;
  }

  private get(key: string): List | undefined {
    const list = this.lists.get(key);
    if (list) {
      this.lists.delete(key); // re-insert: Map order doubles as least-recently-used order
      this.lists.set(key, list);
    }
    return list;
  }

  private build(key: string, interest: Interest, restriction: Restriction, depth: number): Promise<void> {
    const running = this.building.get(key);
    if (running) return running;
    const touched = new Set<number>();
    this.touched.add(touched);
    const query = interest.centroid;
    const done = this.scanner
      .scan(query, restriction, depth)
      .then((result) => {
        const list = this.fromScan(result, interest.creator?.id ?? null, query, restriction, depth);
        for (const row of touched) this.refresh(list, row);
        this.lists.set(key, list);
        while (this.lists.size > this.maxLists) this.lists.delete(this.lists.keys().next().value!);
      })
      .finally(() => {
        this.touched.delete(touched);
        this.building.delete(key);
      });
    this.building.set(key, done);
    return done;
  }

  private fromScan(result: ScanResult, creatorId: string | null, query: Float32Array, restriction: Restriction, cap: number): List {
    let n = result.rows.length;
    // Rows tied with one that was left out are an arbitrary pick among equals: drop them, so the
    // list is exactly the rows scoring above the cutoff.
    while (n > 0 && result.scores[n - 1] === result.cutoff) n--;
    let rows = new Array<number>(n);
    let scores = new Array<number>(n);
    let bestFirst = true;
    for (let i = 0; i < n; i++) {
      rows[i] = result.rows[i]!;
      scores[i] = result.scores[i]!;
      if (i > 0 && scores[i]! > scores[i - 1]!) bestFirst = false;
    }
    if (bestFirst) {
      // A scan comes best first (topRows): only runs of equal scores still need ordering, by id.
      // A linear pass instead of a comparator sort of the whole list: for the deepest list at 1M
      // products (512,000 rows) ~12 ms on the event loop instead of ~70 (a throw-away benchmark).
      for (let i = 0; i < n; ) {
        let j = i + 1;
        while (j < n && scores[j] === scores[i]) j++;
        if (j - i > 1) {
          const tied = rows.slice(i, j).sort((a, b) => this.idOrder(a, b));
          for (let t = 0; t < tied.length; t++) rows[i + t] = tied[t]!;
        }
        i = j;
      }
    } else {
      const order = rows.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || this.idOrder(rows[a]!, rows[b]!));
      [rows, scores] = [order.map((i) => rows[i]!), order.map((i) => scores[i]!)];
    }
    return { creatorId, query, restriction, cap, rows, scores, members: new Set(rows), complete: result.cutoff === -Infinity };
  }

  /** A row was written or removed: every list (and every scan in flight) must see it again. */
  private rowWritten(row: number): void {
    for (const t of this.touched) t.add(row);
    for (const list of this.lists.values()) this.refresh(list, row);
  }

  private refresh(list: List, row: number): void {
    if (list.members.has(row)) {
      const at = list.rows.indexOf(row);
      list.rows.splice(at, 1);
      list.scores.splice(at, 1);
      list.members.delete(row);
    }
    if (!passes(this.table, row, list.restriction)) return;
    const score = scoreRow(this.table, row, list.query);
    const n = list.rows.length;
    // An incomplete list is an exact prefix: a row that ranks after its last entry is not in it.
    if (!list.complete && (n === 0 || !this.before(score, row, list.scores[n - 1]!, list.rows[n - 1]!))) return;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(list.scores[mid]!, list.rows[mid]!, score, row)) lo = mid + 1;
      else hi = mid;
    }
    list.rows.splice(lo, 0, row);
    list.scores.splice(lo, 0, score);
    list.members.add(row);
    if (list.rows.length > list.cap) {
      list.members.delete(list.rows.pop()!);
      list.scores.pop();
      list.complete = false;
    }
  }

  /** Ranking order: higher score first, then smaller id (the order of an exact search). */
  private before(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa > sb || (sa === sb && this.idOrder(ra, rb) < 0);
  }

  private idOrder(ra: number, rb: number): number {
    const a = this.table.idAt(ra);
    const b = this.table.idAt(rb);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  private inlineWalk(query: Float32Array, k: number, accept: (row: number) => boolean): Hits {
    // Only the rows the request accepts are scored and ordered (score, then id, as in a list):
    // exact, and no sort of the whole table on the event loop.
    const hits: Array<{ row: number; score: number }> = [];
    for (let row = 0; row < this.table.rowCount; row++) if (accept(row)) hits.push({ row, score: scoreRow(this.table, row, query) });
    hits.sort((a, b) => b.score - a.score || this.idOrder(a.row, b.row));
    const top = hits.slice(0, k);
    return { rows: top.map((h) => h.row), scores: top.map((h) => h.score) };
  }

  /**
   * The lists' hits as one candidate per row with its best score, best first (a stable sort: ties
   * keep the order rows were first met in). Rows are marked in a scratch array kept between calls
   * (synchronous, so no two merges share it) instead of a Map per request.
   */
  private merge(perList: Hits[]): RowCandidate[] {
    const need = this.table.rowCount;
    if (this.mark.length < need) {
      const size = Math.max(need, this.mark.length * 2);
      this.mark = new Int32Array(size);
      this.best = new Float64Array(size);
      this.epoch = 0;
    }
    if (++this.epoch === 0x7fffffff) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    const { mark, best, epoch } = this;
    const order: number[] = [];
    for (const { rows, scores } of perList) {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const score = scores[i]!;
        if (mark[row] !== epoch) {
          mark[row] = epoch;
          best[row] = score;
          order.push(row);
        } else if (score > best[row]!) best[row] = score;
      }
    }
    return order.map((row) => ({ id: this.table.idAt(row), row, relevance: best[row]! })).sort((a, b) => b.relevance - a.relevance);
  }

  private keysOf(centroid: Float32Array): { base: string; withoutSensitive: string } {
    let keys = this.keys.get(centroid);
    if (!keys) {
      const base = Buffer.from(centroid.buffer, centroid.byteOffset, centroid.byteLength).toString('base64');
      this.keys.set(centroid, (keys = { base, withoutSensitive: `${base}|-sensitive` }));
    }
    return keys;
  }
}

/** A walk's hits: rows and their scores, best first, in two arrays (no object per hit). */
interface Hits {
  rows: number[];
  scores: number[];
}

function walk(list: List, k: number, accept: (row: number) => boolean): Hits {
  const rows: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < list.rows.length && rows.length < k; i++) {
    const row = list.rows[i]!;
    if (accept(row)) {
      rows.push(row);
      scores.push(list.scores[i]!);
    }
  }
  return { rows, scores };
}
