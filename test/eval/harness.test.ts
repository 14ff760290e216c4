/**
 * The evaluation end to end on a tiny generated world with the fake embedder: the harness must
 * score exactly what the methods returned, audit every core method with zero violations, keep
 * baselines inside the same consent rules as the service, never let a history-reading baseline
 * recommend what the shopper already bought, rank the oracle by the generator's own probability,
 * and compute every comparison from the per-shopper values it reports.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runEval, type EvalResult } from '../../tools/eval/harness.js';
import { prepareWorld, type PreparedWorld } from '../../tools/eval/prepare.js';
import { rerender } from '../../tools/eval/render.js';
import { renderCharts, renderMarkdown, summarise, writeReport } from '../../tools/eval/report.js';
import { loadEvalWorld, type EvalWorld } from '../../tools/eval/world.js';
import { catalogFor, heldOutMoment, modelReactions } from '../../tools/world/behaviour.js';
import { generateWorld } from '../../tools/world/generate.js';
import { shopperModel } from '../../tools/world/purchases.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

let dir: string;
let world: EvalWorld;
let prepared: PreparedWorld;
let result: EvalResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-world-'));
  await generateWorld({ seed: 1234, outDir: dir, products: 80, creators: 8, postsPerCreator: 3, users: 40, concurrency: 1 });
  world = loadEvalWorld(dir);
  prepared = await prepareWorld(world, {
    config: loadConfig({}),
    embedder: createFakeEmbedder({ dimension: 24 }),
    degraded: createFakeEmbedder({ dimension: 24, modelId: 'fake-degraded' }),
  });
  result = await runEval(world, prepared, { k: 5, deepK: 20 });
}, 120_000);

afterAll(async () => {
  await prepared?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** nDCG written out independently of tools/eval/metrics.ts. */
function ndcgByHand(list: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  list.slice(0, k).forEach((id, i) => (dcg += relevant.has(id) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

const BASELINES = ['random', 'popularity', 'editorial', 'co-follower', 'item-knn', 'aesthetic', 'oracle'];
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('runEval on a tiny generated world', () => {
  it('scores the shoppers the service personalises for, audits everyone, and runs every method', () => {
    expect(result.auditedUsers).toBe(40);
    expect(result.evaluatedUsers).toBeGreaterThan(0);
    expect(result.evaluatedUsers).toBeLessThan(40); // the world has shoppers without consent and minors
    expect(result.methods.map((m) => m.id)).toEqual([...BASELINES, 'text-only', 'image-only', 'fused', 'fused-feedback', 'fused-single-centroid', 'fused-no-mmr', 'degraded']);
    expect(result.notes).toEqual([]);
  });

  it('reports the metrics of the lists the methods actually returned', () => {
    const users = new Map(world.users.map((u) => [u.id, u]));
    for (const m of result.methods) {
      const ids = Object.keys(m.lists);
      expect(ids.length, m.id).toBe(result.evaluatedUsers);
      const expected = ids.reduce((s, id) => s + ndcgByHand(m.lists[id]!, new Set(users.get(id)!.heldOut), 5), 0) / ids.length;
      expect(m.metrics.ndcgAtK.value, m.id).toBeCloseTo(expected, 10);
      expect(m.metrics.ndcgAtK.low, m.id).toBeLessThanOrEqual(m.metrics.ndcgAtK.value);
      expect(m.metrics.ndcgAtK.high, m.id).toBeGreaterThanOrEqual(m.metrics.ndcgAtK.value);
      for (const list of Object.values(m.lists)) expect(list.length).toBeLessThanOrEqual(5);
      const shown = new Set(Object.values(m.lists).flat());
      expect(m.metrics.coverage.value, m.id).toBeCloseTo(shown.size / world.products.length, 10);
      expect(m.metrics.recallAtDeep.value, m.id).toBeGreaterThanOrEqual(m.metrics.recallAtK.value);
    }
  });

  it('finds no consent violation in any core method (the degraded one included), and audits only core methods', () => {
    for (const m of result.methods) {
      if (BASELINES.includes(m.id)) expect(m.consent).toBeNull();
      else expect(m.consent, m.id).toEqual({ profiledWithoutConsent: 0, healthWithoutExplicitConsent: 0, minorsProfiled: 0, nonOptedCreators: 0, total: 0 });
    }
  });

  it('keeps health products out of baselines for shoppers without health consent', async () => {
    const health = new Set(world.products.filter((p) => p.sensitive === 'health').map((p) => p.id));
    for (const m of result.methods.filter((x) => BASELINES.includes(x.id))) {
      for (const [userId, list] of Object.entries(m.lists)) {
        const r = await prepared.cores.fused.recommend(userId, { limit: 5, diversity: 0.3 });
        if (!r.consent.health) expect(list.filter((id) => health.has(id)), `${m.id} ${userId}`).toEqual([]);
      }
    }
  });

  it('never lets a method that reads histories recommend what the shopper already bought', () => {
    const users = new Map(world.users.map((u) => [u.id, u]));
    for (const id of ['popularity', 'co-follower', 'item-knn', 'oracle']) {
      const m = result.methods.find((x) => x.id === id)!;
      for (const [userId, list] of Object.entries(m.lists)) {
        const owned = new Set((users.get(userId)!.history ?? []).map((h) => h.productId));
        expect(list.filter((p) => owned.has(p)), `${id} ${userId}`).toEqual([]);
      }
    }
  });

  it("ranks the oracle by the generator's purchase probability", () => {
    const oracle = result.methods.find((m) => m.id === 'oracle')!;
    const catalog = catalogFor(world.products);
    const items = new Map(world.posts.map((p) => [p.id, p.items!]));
    for (const [userId, list] of Object.entries(oracle.lists).slice(0, 5)) {
      const u = world.users.find((x) => x.id === userId)!;
      const p = shopperModel(catalog, u.taste!.priceBand, modelReactions(u.reactions!, items), world.purchaseModel!).distribution(heldOutMoment(world.referenceDate.getTime(), world.purchaseModel!));
      const prob = new Map(world.products.map((x, i) => [x.id, p[i]!]));
      const scores = list.map((id) => prob.get(id)!);
      expect(scores, userId).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('computes the ladder, the ablations and the per-segment comparisons from the per-shopper values', () => {
    expect(result.ladder.map((s) => `${s.metric}:${s.lower}>${s.upper}`).slice(0, 4)).toEqual(['ndcgAtK:random>popularity', 'ndcgAtK:popularity>aesthetic', 'ndcgAtK:aesthetic>fused', 'ndcgAtK:fused>oracle']);
    const fused = result.methods.find((m) => m.id === 'fused')!;
    for (const a of result.ablations) {
      const m = result.methods.find((x) => x.id === a.method)!;
      expect(a.diff.value, `${a.method} ${a.metric}`).toBeCloseTo(mean(m.perUser[a.metric]) - mean(fused.perUser[a.metric]), 10);
    }
    expect(new Set(result.ablations.map((a) => a.method))).toEqual(new Set(['text-only', 'image-only', 'fused-single-centroid', 'fused-no-mmr', 'degraded']));
    const seg = (id: string) => result.segments.find((s) => s.id === id)!;
    expect(seg('cold-start').shoppers + seg('with-history').shoppers).toBe(result.evaluatedUsers);
    expect(seg('all').shoppers).toBe(result.evaluatedUsers);
    const vs = result.serviceVsBaselines.filter((c) => c.segment === 'all' && c.metric === 'ndcgAtK');
    expect(vs.map((c) => c.against)).toEqual(['random', 'popularity', 'editorial', 'co-follower', 'item-knn', 'aesthetic']);
    for (const c of vs) {
      const rival = result.methods.find((m) => m.id === c.against)!;
      expect(c.diff.value).toBeCloseTo(fused.metrics.ndcgAtK.value - rival.metrics.ndcgAtK.value, 10);
      expect(c.verdict).toBe(c.diff.low > 0 ? 'higher' : c.diff.high < 0 ? 'lower' : 'indistinguishable');
    }
  });

  it('measures shop the look and similar products on the core reads, under their ceilings', () => {
    const looks = result.looks!;
    expect(looks.shop!.methods.map((m) => m.id)).toEqual(['random', 'degraded', 'text-only', 'image-only', 'fused-image', 'fused-image-caption']);
    for (const m of looks.shop!.methods) expect(m.recall.value, m.id).toBeLessThanOrEqual(looks.shop!.ceiling.value + 1e-12);
    expect(looks.similar!.methods.map((m) => m.id)).toEqual(['random', 'degraded', 'text-only', 'image-only', 'fused']);
    for (const m of looks.similar!.methods) expect(m.look.value, m.id).toBeLessThanOrEqual(looks.similar!.ceiling.value + 1e-12);
  });

  it('renders a report and charts naming every method, and a JSON without per-shopper data', () => {
    const md = renderMarkdown(result, { modelId: 'fake', date: '2026-01-01T00:00:00Z', seconds: 1, fusion: { imageWeight: 0.7, textWeight: 0.3 }, cacheMisses: 0, settings: prepared.settings }, { methods: 'a.svg', segments: 'b.svg', looks: 'c.svg' });
    // The report states the index the evaluation ran: the server's configuration.
    const config = loadConfig({});
    expect(md).toContain(`HNSW M=${config.HNSW_M}, efConstruction=${config.HNSW_EF_CONSTRUCTION}, efSearch=${config.HNSW_EF_SEARCH}`);
    expect(md).toContain('## The ladder');
    expect(md).toContain('## Where the service loses');
    const charts = renderCharts(result);
    for (const m of result.methods) {
      expect(md).toContain(`| ${m.label} |`);
      expect(charts.methods).toContain(m.label);
    }
    for (const svg of Object.values(charts)) expect(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>') && svg.split('<svg').length === 2).toBe(true);
    const json = JSON.stringify(summarise(result));
    expect(json).not.toContain('"lists"');
    expect(json).not.toContain('"perUser"');
  });

  it('re-renders the same Markdown and charts from the JSON report alone', () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-report-'));
    try {
      const paths = writeReport(result, { modelId: 'fake', date: '2026-01-01T00:00:00Z', seconds: 1, fusion: { imageWeight: 0.7, textWeight: 0.3 }, cacheMisses: 0, settings: prepared.settings }, out);
      const [md, svg] = [readFileSync(paths.md, 'utf8'), readFileSync(paths.svg, 'utf8')];
      rerender(paths.json);
      expect(readFileSync(paths.md, 'utf8')).toBe(md);
      expect(readFileSync(paths.svg, 'utf8')).toBe(svg);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
