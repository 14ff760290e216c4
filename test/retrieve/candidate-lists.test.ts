/**
 * Candidate lists against brute force: whatever was written, removed or rewritten, and whether the
 * scan ran inline or in the worker thread (while rows changed under it), a request must get
 * exactly the filtered top-k per interest that an exact search over the current catalog gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { dot, normalise } from '../../src/embed/vectors.js';
import type { Interest } from '../../src/profile/profile.js';
import { CandidateLists, type RowCandidate, type ListRules } from '../../src/retrieve/candidate-lists.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { Scanner } from '../../src/retrieve/scanner.js';

const DIM = 8;
const CATEGORIES = ['dress', 'bag', 'hat', 'scarf', 'vase'];
const MERCHANTS = ['m1', 'm2', 'm3'];

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row { product: Product; vector: Float32Array }

class World {
  readonly table = new ProductTable(DIM, 64);
  readonly products = new Map<string, Row>();
  readonly scanner: Scanner;
  readonly lists: CandidateLists;
  private readonly r: () => number;
  constructor(seed: number, scanner: { inlineMaxWork: number }, depth = 300) {
    this.r = rng(seed);
    this.scanner = new Scanner(this.table, scanner);
    this.lists = new CandidateLists(this.table, this.scanner, { depth });
  }
  vector(): Float32Array {
    return normalise(Float32Array.from({ length: DIM }, () => this.r() - 0.3));
  }
  write(id: string, extra: Partial<Product> = {}, vector = this.vector()) {
    const product = {
      id, title: id, description: '', brand: 'b', currency: 'EUR', url: 'https://x.example', network: 'utm', image: 'x',
      category: CATEGORIES[Math.floor(this.r() * CATEGORIES.length)]!, merchant: MERCHANTS[Math.floor(this.r() * MERCHANTS.length)]!,
      price: Math.round(this.r() * 2000) / 10, ...(this.r() < 0.05 ? { sensitive: 'health' as const } : {}), ...extra,
    } as Product;
    this.products.set(id, { product, vector });
    this.table.upsert(product, vector);
  }
  remove(id: string) {
    this.products.delete(id);
    this.table.remove(id);
  }
  interest(creator: string): Interest {
    return { creator: { id: creator, handle: creator, displayName: creator, optIns: { styleSource: true, affiliate: true } }, centroid: this.vector(), weight: 1 };
  }
  /** Exact per-interest filtered top k (score desc, id asc), merged as the old retrieval merged. */
  brute(interests: Interest[], k: number, rules: ListRules) {
    const f = rules.filters ?? {};
    const pass = ({ product: p }: Row) =>
      (!p.sensitive || rules.allowSensitive) && !rules.excludeIds?.has(p.id) &&
      (f.category === undefined || p.category === f.category) && (f.merchant === undefined || p.merchant === f.merchant) &&
      (f.minPrice === undefined || p.price >= f.minPrice) && (f.maxPrice === undefined || p.price <= f.maxPrice);
    const best = new Map<string, number>();
    for (const i of interests) {
      const hits = [...this.products.values()].filter(pass).map((row) => ({ id: row.product.id, score: dot(i.centroid, row.vector) }));
      hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const h of hits.slice(0, k)) if (!best.has(h.id) || h.score > best.get(h.id)!) best.set(h.id, h.score);
    }
    return [...best].map(([id, relevance]) => ({ id, relevance })).sort((a, b) => b.relevance - a.relevance);
  }
  async got(interests: Interest[], k: number, rules: ListRules) {
    return this.lists.withCandidates(interests, k, rules, (cs: RowCandidate[]) => cs.map(({ id, relevance }) => ({ id, relevance })));
  }
}

const RULES: ListRules[] = [
  { allowSensitive: true },
  { allowSensitive: false },
  { allowSensitive: false, filters: { category: 'hat' } },
  { allowSensitive: true, filters: { merchant: 'm2', maxPrice: 50 } },
  { allowSensitive: false, filters: { minPrice: 190 } },
  { allowSensitive: false, filters: { category: 'vase', merchant: 'm3', minPrice: 20, maxPrice: 120 } },
  { allowSensitive: false, filters: { category: 'nothing-like-this' } },
  { allowSensitive: false, excludeIds: new Set(['p1', 'p2', 'p3', 'p10', 'p11']) },
];

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.scanner.close();
});

describe.each([
  ['inline scans', 1e12],
  ['worker-thread scans', 0],
])('candidate lists with %s', (_name, inlineMaxWork) => {
  const make = (seed: number, depth?: number) => {
    const w = new World(seed, { inlineMaxWork }, depth);
    worlds.push(w);
    return w;
  };

  it('answer exactly like brute force, for every filter, and after every kind of write', async () => {
    const w = make(1);
    for (let i = 0; i < 1500; i++) w.write(`p${i}`);
    const interests = [w.interest('c1'), w.interest('c2'), w.interest('c3')];
    const check = async () => {
      for (const rules of RULES) for (const k of [5, 60]) expect(await w.got(interests, k, rules), JSON.stringify({ rules, k })).toEqual(w.brute(interests, k, rules));
    };
    await check();
    // New products, rewritten vectors, moved categories and prices, removals, a re-added id.
    for (let i = 1500; i < 1600; i++) w.write(`p${i}`);
    for (let i = 0; i < 300; i += 3) w.write(`p${i}`);
    for (let i = 1; i < 300; i += 7) w.write(`p${i}`, { category: 'hat', price: 5 }, w.products.get(`p${i}`)!.vector);
    for (let i = 2; i < 900; i += 5) w.remove(`p${i}`);
    w.write('p2');
    // The best product of each interest goes: every list must lose it at once.
    for (const i of interests) w.remove((await w.got([i], 1, { allowSensitive: true }))[0]!.id);
    await check();
  });

  it('a scan that ran while rows changed still answers for the rows as they are now', async () => {
    const w = make(2);
    for (let i = 0; i < 2000; i++) w.write(`p${i}`);
    for (const rules of RULES.slice(0, 4)) {
      // New interests: their lists must be built, so the walk waits for a scan.
      const interests = [w.interest('c1'), w.interest('c2')];
      const pending = w.got(interests, 40, rules);
      // Synchronously, before the scan's result is applied: rewrite, add and remove rows, some of
      // them the very best for the interests.
      for (let i = 0; i < 2000; i += 11) w.write(`p${i}`, {}, i % 2 ? interests[0]!.centroid : w.vector());
      for (let i = 2000; i < 2050; i++) w.write(`p${i}`);
      for (let i = 5; i < 2000; i += 13) w.remove(`p${i}`);
      expect(await pending, JSON.stringify(rules)).toEqual(w.brute(interests, 40, rules));
    }
  });

  it('orders equal scores by id, also at the edge of a list', async () => {
    const w = make(3, 300);
    const same = w.vector();
    for (let i = 0; i < 400; i++) w.write(`d${String(i).padStart(3, '0')}`, { category: 'dress', sensitive: undefined }, same);
    for (let i = 0; i < 400; i++) w.write(`x${i}`, { category: 'bag' });
    const interest = w.interest('c1');
    for (const k of [10, 300]) expect(await w.got([interest], k, { allowSensitive: true })).toEqual(w.brute([interest], k, { allowSensitive: true }));
  });

  it('a filter beyond the lists’ restriction that passes few rows: each rebuild goes deeper, and the answer is exact', async () => {
    const w = make(5, 300);
    for (let i = 0; i < 3000; i++) w.write(`p${i}`);
    const depths: number[] = [];
    const scan = w.scanner.scan.bind(w.scanner);
    w.scanner.scan = (q, r, depth) => (depths.push(depth), scan(q, r, depth));
    // One row in 500 passes (as a brand or colour filter would): the 300-deep list has ~0 of them.
    const rare = (id: string) => Number(id.slice(1)) % 500 === 7;
    const interest = w.interest('c1');
    const got = await w.lists.withCandidates([interest], 5, { allowSensitive: true, accept: rare }, (cs) => cs.map(({ id, relevance }) => ({ id, relevance })));
    const want = [...w.products.values()].filter((r) => rare(r.product.id)).map((r) => ({ id: r.product.id, relevance: dot(interest.centroid, r.vector) }))
      .sort((a, b) => b.relevance - a.relevance || (a.id < b.id ? -1 : 1)).slice(0, 5);
    expect(got).toEqual(want);
    // The old walk rebuilt the same 300-deep list four times, then sorted the whole table on the loop.
    expect(depths).toEqual([300, 3000]); // 300 × 16, capped at the table: a complete list
  });

  it('a scan result that does not come best first is still put in ranking order', async () => {
    const w = make(6);
    for (let i = 0; i < 800; i++) w.write(`p${i}`, {}, i % 40 === 0 ? w.products.get('p0')?.vector : undefined); // 20 tied rows
    const scan = w.scanner.scan.bind(w.scanner);
    // Worst first: the lists must not rely on the scanner's order beyond its documented contract.
    w.scanner.scan = async (q, r, depth) => {
      const got = await scan(q, r, depth);
      return { rows: got.rows.slice().reverse(), scores: got.scores.slice().reverse(), cutoff: got.cutoff };
    };
    const interests = [w.interest('c1'), w.interest('c2')];
    for (const rules of RULES.slice(0, 3)) expect(await w.got(interests, 50, rules), JSON.stringify(rules)).toEqual(w.brute(interests, 50, rules));
  });

  it('forgets a creator’s lists when the creator changes', async () => {
    const w = make(4);
    for (let i = 0; i < 500; i++) w.write(`p${i}`);
    const [a, b] = [w.interest('c-a'), w.interest('c-b')];
    await w.got([a, b], 10, { allowSensitive: true });
    // Too selective for the shared list: a list of its own is built for it.
    await w.got([a], 10, { allowSensitive: false, filters: { category: 'hat', merchant: 'm3', maxPrice: 10 } });
    expect(w.lists.size).toBe(3);
    w.lists.dropCreator('c-a');
    expect(w.lists.size).toBe(1);
  });
});
