/**
 * Ingest of creators and of world-format shoppers (profile, follows and consent history).
 * Nothing here embeds: creators are profiled through their posts.
 */
import { AppError } from '../errors.js';
import { Creator, User, type ConsentEvent } from '../world/schema.js';
import { failResult, okResult, type IngestDeps, type ItemResult } from './types.js';
import { parseItem } from './validate.js';

export async function ingestCreators(items: unknown[], deps: Pick<IngestDeps, 'store'>): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  const good: Creator[] = [];
  for (const [k, item] of items.entries()) {
    const parsed = parseItem(Creator, item, k);
    results.push(parsed.ok ? okResult(parsed.value.id) : parsed.result);
    if (parsed.ok) good.push(parsed.value);
  }
  await deps.store.upsertCreators(good);
  return results;
}

/**
 * Loads shoppers in the world format: profile, follows (creators must already exist) and consent
 * events. The ledger is append-only, so events already recorded (same purpose, decision, time,
 * source and policy) are skipped: loading the same world twice does not duplicate history.
 * `heldOut` is evaluation ground truth and is not stored.
 */
export async function ingestUsers(items: unknown[], deps: Pick<IngestDeps, 'store'>): Promise<ItemResult[]> {
  const { store } = deps;
  const results: ItemResult[] = [];
  for (const [k, item] of items.entries()) {
    const parsed = parseItem(User, item, k);
    if (!parsed.ok) {
      results.push(parsed.result);
      continue;
    }
    const u = parsed.value;
    const unknown = [];
    for (const [i, c] of u.follows.entries()) if (!(await store.getCreator(c))) unknown.push(`items.${k}.follows.${i}: no creator "${c}"`);
    if (unknown.length > 0) {
      results.push(failResult(u.id, 'VALIDATION_FAILED', unknown.join('; ')));
      continue;
    }
    try {
      await store.upsertUser({ id: u.id, displayName: u.displayName, region: u.region, ageBand: u.ageBand });
      await store.setFollows(u.id, u.follows);
      const seen = new Set((await store.listConsents(u.id)).map(eventKey));
      const fresh = u.consents.filter((e) => !seen.has(eventKey(e)));
      if (fresh.length > 0) await store.appendConsents(u.id, fresh);
      results.push(okResult(u.id));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push(failResult(u.id, err.code, err.message));
    }
  }
  return results;
}

const eventKey = (e: ConsentEvent) => JSON.stringify([e.purpose, e.granted, new Date(e.at).toISOString(), e.source, e.policyVersion]);
