/**
 * The evaluation end to end on a tiny generated world with the fake embedder: the harness must
 * score exactly what the methods returned, audit every core method with zero violations, and keep
 * baselines inside the same consent rules as the service.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runEval, type EvalResult } from '../../tools/eval/harness.js';
import { prepareWorld, type PreparedWorld } from '../../tools/eval/prepare.js';
import { renderMarkdown } from '../../tools/eval/report.js';
import { renderChart } from '../../tools/eval/chart.js';
import { loadEvalWorld, type EvalWorld } from '../../tools/eval/world.js';
import { generateWorld } from '../../tools/world/generate.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

let dir: string;
let world: EvalWorld;
let prepared: PreparedWorld;
let result: EvalResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-world-'));
  await generateWorld({ seed: 1234, outDir: dir, products: 80, creators: 8, postsPerCreator: 3, users: 40, concurrency: 1 });
  world = loadEvalWorld(dir);
  prepared = await prepareWorld(world, { config: loadConfig({}), embedder: createFakeEmbedder({ dimension: 24 }) });
  result = await runEval(world, prepared, { k: 5, deepK: 20 });
});

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

describe('runEval on a tiny generated world', () => {
  it('scores the shoppers the service personalises for, and audits everyone', () => {
    expect(result.auditedUsers).toBe(40);
    expect(result.evaluatedUsers).toBeGreaterThan(0);
    expect(result.evaluatedUsers).toBeLessThan(40); // the world has shoppers without consent and minors
    expect(result.methods.map((m) => m.id)).toEqual(['random', 'popularity', 'editorial', 'oracle', 'text-only', 'image-only', 'fused', 'fused-single-centroid', 'fused-no-mmr']);
  });

  it('reports the metrics of the lists the methods actually returned', () => {
    const users = new Map(world.users.map((u) => [u.id, u]));
    for (const m of result.methods) {
      const ids = Object.keys(m.lists);
      expect(ids.length, m.id).toBe(result.evaluatedUsers);
      const expected = ids.reduce((s, id) => s + ndcgByHand(m.lists[id]!, new Set(users.get(id)!.heldOut), 5), 0) / ids.length;
      expect(m.metrics.ndcgAtK, m.id).toBeCloseTo(expected, 10);
      for (const list of Object.values(m.lists)) expect(list.length).toBeLessThanOrEqual(5);
      const shown = new Set(Object.values(m.lists).flat());
      expect(m.metrics.coverage, m.id).toBeCloseTo(shown.size / world.products.length, 10);
      expect(m.metrics.recallAt50, m.id).toBeGreaterThanOrEqual(m.metrics.recallAtK);
    }
  });

  it('finds no consent violation in any core method, and audits only core methods', () => {
    for (const m of result.methods) {
      if (['random', 'popularity', 'editorial', 'oracle'].includes(m.id)) expect(m.consent).toBeNull();
      else expect(m.consent, m.id).toEqual({ profiledWithoutConsent: 0, healthWithoutExplicitConsent: 0, minorsProfiled: 0, nonOptedCreators: 0, total: 0 });
    }
  });

  it('keeps health products out of baselines for shoppers without health consent', async () => {
    const health = new Set(world.products.filter((p) => p.sensitive === 'health').map((p) => p.id));
    for (const m of result.methods.filter((x) => x.id === 'random' || x.id === 'popularity')) {
      for (const [userId, list] of Object.entries(m.lists)) {
        const r = await prepared.cores.fused.recommend(userId, { limit: 5, diversity: 0.3 });
        if (!r.consent.health) expect(list.filter((id) => health.has(id)), `${m.id} ${userId}`).toEqual([]);
      }
    }
  });

  it('renders a report and a chart naming every method', () => {
    const md = renderMarkdown(result, { modelId: 'fake', date: '2026-01-01T00:00:00Z', seconds: 1, fusion: { imageWeight: 0.7, textWeight: 0.3 }, cacheMisses: 0, settings: prepared.settings }, 'chart.svg');
    // The report states the index the evaluation ran: the server's configuration.
    const config = loadConfig({});
    expect(md).toContain(`HNSW M=${config.HNSW_M}, efConstruction=${config.HNSW_EF_CONSTRUCTION}, efSearch=${config.HNSW_EF_SEARCH}`);
    const svg = renderChart(result);
    for (const m of result.methods) {
      expect(md).toContain(`| ${m.label} |`);
      expect(svg).toContain(m.label);
    }
    expect(svg.startsWith('<svg')).toBe(true);
  });
});
