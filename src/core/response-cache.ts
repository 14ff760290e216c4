/**
 * A short-lived cache of whole recommendation responses, per shopper. A repeat request (same
 * shopper, same query, same consent decision) skips profile, retrieval, MMR and tagging.
 *
 * Safety rests on two things, not on the TTL:
 * - The consent decision is taken fresh from the ledger on every request BEFORE the cache is
 *   consulted, and every field of it is part of the key (`responseKey`), so a withdrawal can
 *   never be answered with a list cached under the earlier consent.
 * - It is invalidated by the same hooks as the profile cache (the shopper's follows, consents,
 *   age band or erasure: `invalidateUser`; a creator's posts or opt-ins: `invalidateCreator`), by
 *   any catalog change (`clear`) and by a click from the shopper (`invalidateUser`, since clicked
 *   items are left out of their list).
 * What the TTL bounds is only drift nobody signals: other shoppers' clicks re-ordering the
 * popular list, and posts ageing in the recency weights.
 */
import type { ConsentDecision } from '../consent/decision.js';
import type { RecommendationResponse, RecommendQuery } from './schemas.js';

interface Entry {
  at: number;
  response: RecommendationResponse;
  /** Every creator the shopper followed when the list was built (opted-in or not). */
  creatorIds: ReadonlySet<string>;
}

export class ResponseCache {
  /** userId → (key → entry); Map order doubles as least-recently-set order of shoppers. */
  private readonly byUser = new Map<string, Map<string, Entry>>();
  /**
   * Bumped by every invalidation. A response computed across one (the store is async, so a
   * follow or a delete can land mid-request) is not stored: it may reflect the old state.
   */
  private generation = 0;
  /** Lookups answered from the cache and not (for /metrics). */
  hits = 0;
  misses = 0;

  /**
   * @param ttlMs how long an entry may be served; 0 disables the cache.
   * @param maxUsers shoppers kept at most (oldest evicted first).
   * @param maxPerUser distinct queries kept per shopper.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxUsers = 10_000,
    private readonly maxPerUser = 8,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Take before reading any state a response depends on; pass to `set`. */
  get epoch(): number {
    return this.generation;
  }

  /** The cached response (deeply frozen), or undefined when absent or older than the TTL. */
  get(userId: string, key: string, nowMs: number): RecommendationResponse | undefined {
    const entry = this.byUser.get(userId)?.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (nowMs - entry.at >= this.ttlMs || nowMs < entry.at) {
      this.byUser.get(userId)!.delete(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Frozen when stored, so it is handed out as is: a caller cannot edit what the next one gets
    // (a copy per hit was the largest single cost of a cached list).
    return entry.response;
  }

  set(userId: string, key: string, response: RecommendationResponse, creatorIds: ReadonlySet<string>, nowMs: number, epoch: number): void {
    if (!this.enabled || epoch !== this.generation) return;
    let own = this.byUser.get(userId);
    if (own) this.byUser.delete(userId);
    else own = new Map();
    this.byUser.set(userId, own);
    own.delete(key);
    own.set(key, { at: nowMs, response: deepFreeze(structuredClone(response)), creatorIds });
    if (own.size > this.maxPerUser) own.delete(own.keys().next().value!);
    if (this.byUser.size > this.maxUsers) this.byUser.delete(this.byUser.keys().next().value!);
  }

  /** Follows, consents or age band changed, the shopper was erased, or they clicked. */
  invalidateUser(userId: string): void {
    this.generation++;
    this.byUser.delete(userId);
  }

  /** A creator's posts, opt-ins or existence changed: drop every list built while following them. */
  invalidateCreator(creatorId: string): void {
    this.generation++;
    for (const [userId, own] of this.byUser) {
      for (const [key, e] of own) if (e.creatorIds.has(creatorId)) own.delete(key);
      if (own.size === 0) this.byUser.delete(userId);
    }
  }

  /** Any catalog change: every cached list may hold a removed or changed product. */
  clear(): void {
    this.generation++;
    this.byUser.clear();
  }

  get size(): number {
    let n = 0;
    for (const own of this.byUser.values()) n += own.size;
    return n;
  }
}

/**
 * The cache key: the normalised query, the eval switches and EVERY field of the consent decision,
 * so two requests share an entry only if they were decided identically.
 */
export function responseKey(query: RecommendQuery, decision: ConsentDecision, mode: string, mmr: boolean): string {
  // Every field of the parsed query, in a fixed key order: a new query parameter can never be
  // forgotten here and serve one filter's list for another.
  const fields = query as Record<string, unknown>;
  const q = Object.keys(fields).filter((k) => fields[k] !== undefined).sort().map((k) => [k, fields[k]]);
  const d = [decision.personalization, decision.clickTracking, decision.health, decision.minor, decision.applied.join(','), decision.reason ?? ''];
  return JSON.stringify([mode, mmr, q, d]);
}

/** Freezes a plain JSON-like value and everything in it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
