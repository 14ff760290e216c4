/**
 * "Service + feedback" in the offline evaluation, on a tiny generated world with the fake
 * embedder: the world's histories must reach the service through the real feedback command
 * (so consented shoppers' lists change and bought items are left out), the consent gate must
 * hold (shoppers without personalization keep nothing and get the very same lists), held-out
 * purchases must never be sent, and the report must show the comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Core } from '../../src/core/core.js';
import { PageQuery } from '../../src/core/schemas.js';
import { worldFeedback } from '../../tools/eval/feedback.js';
import { runEval, type EvalResult } from '../../tools/eval/harness.js';
import { METHODS } from '../../tools/eval/methods.js';
import { prepareWorld, type PreparedWorld } from '../../tools/eval/prepare.js';
import { renderMarkdown } from '../../tools/eval/report.js';
import { renderSummary } from '../../tools/eval/summary.js';
import { loadEvalWorld, type EvalWorld } from '../../tools/eval/world.js';
import { generateWorld } from '../../tools/world/generate.js';
import type { User } from '../../tools/world/schema.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

let dir: string;
let world: EvalWorld;
let prepared: PreparedWorld;
let result: EvalResult;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-feedback-world-'));
  await generateWorld({ seed: 1234, outDir: dir, products: 80, creators: 8, postsPerCreator: 3, users: 40, concurrency: 1 });
  world = loadEvalWorld(dir);
  prepared = await prepareWorld(world, { config: loadConfig({}), embedder: createFakeEmbedder({ dimension: 24 }) });
  const methods = METHODS.filter((m) => m.id === 'fused' || m.id === 'fused-feedback' || m.id === 'popularity');
  result = await runEval(world, prepared, { k: 5, deepK: 20, looks: false, methods });
}, 120_000);

afterAll(async () => {
  await prepared?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function eventsOf(core: Core, userId: string) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await core.listFeedback(userId, PageQuery.parse({ limit: 100, cursor }));
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

const recommend = async (core: Core, userId: string) => (await core.recommend(userId, { limit: 5, diversity: 0.3 })).items.map((i) => i.product.id);
const personalised = async (u: User) => (await prepared.cores.fused.recommend(u.id, { limit: 5, diversity: 0.3 })).consent.personalization;

describe('worldFeedback (what is sent)', () => {
  const at = (d: string) => `2026-${d}T00:00:00.000Z`;
  const user = (over: Partial<User>): User => ({ id: 'u1', displayName: 'U', region: 'FR', ageBand: '25-34', follows: [], consents: [], heldOut: [], ...over } as User);

  it('sends history purchases and post saves before the reference date, never held-out purchases, likes or later records', () => {
    const u = user({
      history: [{ productId: 'p-old', at: at('03-01') }, { productId: 'p-late', at: at('07-01') }],
      heldOut: ['p-held', 'p-held-2'],
      reactions: [{ postId: 's1', kind: 'save', at: at('04-01') }, { postId: 'l1', kind: 'like', at: at('04-02') }],
    });
    const out = worldFeedback({ users: [u], referenceDate: new Date(at('06-01')) });
    expect(out.records).toEqual([
      { userId: 'u1', type: 'purchase', productId: 'p-old', at: at('03-01') },
      { userId: 'u1', type: 'save', postId: 's1', at: at('04-01') },
    ]);
    expect(out.likes).toBe(1);
    expect(out.afterReference).toBe(1);
  });
});

describe('service + feedback on a tiny generated world', () => {
  it('runs both methods on the same scored shoppers, with the events kept and refused by the command', () => {
    expect(result.methods.map((m) => m.id)).toEqual(['popularity', 'fused', 'fused-feedback']);
    const fed = result.feedback!.fed;
    const sent = worldFeedback(world).records.length;
    expect(fed.sent.purchase + fed.sent.save).toBe(sent);
    expect(fed.recorded + fed.refused + fed.rejected).toBe(sent);
    expect(fed.recorded).toBeGreaterThan(0);
    expect(fed.refused).toBeGreaterThan(0); // the world has shoppers without consent and minors with histories
    expect(result.feedback!.unconsented).toBeGreaterThan(0);
    expect(result.feedback!.unconsentedDiffering).toBe(0);
  });

  it("stores a consented shopper's history through the command, with its times, and nothing held out", async () => {
    let checked = 0;
    for (const u of world.users) {
      if (!(u.history?.length) || !(await personalised(u))) continue;
      const events = await eventsOf(prepared.cores.feedback!, u.id);
      const purchases = events.filter((e) => e.type === 'purchase');
      // Health items need health consent: the command may refuse some, never invent any.
      const history = new Map(u.history.map((h) => [h.productId, h.at]));
      for (const e of purchases) expect(Date.parse(e.at)).toBe(Date.parse(history.get(e.productId!)!));
      const heldOnly = u.heldOut.filter((id) => !history.has(id));
      expect(purchases.filter((e) => heldOnly.includes(e.productId!))).toEqual([]);
      expect(events.every((e) => Date.parse(e.at) < world.referenceDate.getTime())).toBe(true);
      checked += purchases.length > 0 ? 1 : 0;
      // The service without events has none.
      expect(await eventsOf(prepared.cores.fused, u.id)).toEqual([]);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("changes consented shoppers' lists and leaves their purchases out", async () => {
    expect(result.feedback!.changedLists).toBeGreaterThan(0);
    let differing = 0;
    for (const u of world.users) {
      if (!(u.history?.length) || !(await personalised(u))) continue;
      const [without, withEvents] = [await recommend(prepared.cores.fused, u.id), await recommend(prepared.cores.feedback!, u.id)];
      if (JSON.stringify(without) !== JSON.stringify(withEvents)) differing++;
      const bought = new Set((await eventsOf(prepared.cores.feedback!, u.id)).filter((e) => e.type === 'purchase').map((e) => e.productId));
      expect(withEvents.filter((id) => bought.has(id)), u.id).toEqual([]);
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('keeps nothing of shoppers without personalization (minors included) and gives them identical lists', async () => {
    let checked = 0;
    for (const u of world.users) {
      if (await personalised(u)) continue;
      expect(await eventsOf(prepared.cores.feedback!, u.id), u.id).toEqual([]);
      expect(await recommend(prepared.cores.feedback!, u.id), u.id).toEqual(await recommend(prepared.cores.fused, u.id));
      if ((u.history?.length ?? 0) > 0) checked++;
    }
    expect(checked).toBeGreaterThan(0); // some of them had a history that was sent and refused
  });

  it('compares the two per segment from the per-shopper values', () => {
    const [fused, fb] = ['fused', 'fused-feedback'].map((id) => result.methods.find((m) => m.id === id)!);
    const all = result.feedback!.comparisons.filter((c) => c.segment === 'all');
    expect(all.map((c) => c.metric)).toEqual(['ndcgAtK', 'recallAtK', 'recallAtDeep', 'mrr']);
    for (const c of all) expect(c.diff.value).toBeCloseTo(fb!.metrics[c.metric].value - fused!.metrics[c.metric].value, 10);
    const segments = new Set(result.feedback!.comparisons.map((c) => c.segment));
    for (const id of ['cold-start', 'short-history', 'with-history']) expect(segments.has(id) || result.segments.find((s) => s.id === id)!.shoppers === 0).toBe(true);
  });

  it('writes the comparison into the report and the summary', () => {
    const context = { modelId: 'fake', date: '2026-01-01T00:00:00Z', seconds: 1, fusion: { imageWeight: 0.7, textWeight: 0.3 }, cacheMisses: 0, settings: prepared.settings };
    const md = renderMarkdown(result, context, { methods: 'a.svg', segments: 'b.svg', looks: 'c.svg' });
    const all = result.feedback!.comparisons.find((c) => c.segment === 'all' && c.metric === 'ndcgAtK')!;
    const signed = `${all.diff.value >= 0 ? '+' : ''}${all.diff.value.toFixed(3)} (${all.diff.low.toFixed(3)} to ${all.diff.high.toFixed(3)})`;
    expect(md).toContain('## Feedback events: service + feedback vs service');
    expect(md).toContain(`| All scored shoppers | ${result.evaluatedUsers} |`);
    expect(md).toContain(signed);
    expect(md).toContain(`**${result.feedback!.fed.sent.purchase} purchase events**`);
    expect(md).toContain('re-purchases');
    expect(md).toContain('| Service + feedback |');
    const summary = renderSummary([{ ...JSON.parse(JSON.stringify({ ...result, methods: result.methods.map(({ lists: _l, perUser: _p, ...m }) => m) })), ...context }], 'x.svg');
    expect(summary).toContain('## Service + feedback − service');
    expect(summary).toContain(signed);
  });
});
