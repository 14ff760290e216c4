/**
 * Profiles are cached per shopper. The cache key also encodes what the profile was built from
 * (the eligible creators followed and whether health posts were allowed), so a change of follows,
 * of a creator's opt-in or of consent can never serve a stale profile even if an explicit
 * invalidation were missed; explicit invalidation (per user, per creator) frees memory at once and
 * covers post changes, which the key cannot see.
 */
import type { Profile } from './profile.js';

export class ProfileCache {
  private readonly entries = new Map<string, { key: string; profile: Profile }>();
  /** Bumped by every invalidation: a profile built across one (the store is async) is not kept. */
  private generation = 0;
  /** Lookups answered from the cache and not (for /metrics). */
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 10_000) {}

  /** The cached profile if it was built from exactly `key`. */
  get(userId: string, key: string): Profile | undefined {
    const hit = this.entries.get(userId);
    if (hit && hit.key === key) {
      this.hits++;
      return hit.profile;
    }
    this.misses++;
    return undefined;
  }

  /** Take before reading anything a profile is built from; pass to `set`. */
  get epoch(): number {
    return this.generation;
  }

  set(userId: string, key: string, profile: Profile, epoch: number = this.generation): void {
    if (epoch !== this.generation) return;
    this.entries.delete(userId); // re-insert: Map order doubles as least-recently-set order
    this.entries.set(userId, { key, profile });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Follows or consents changed, or the shopper was erased. */
  invalidateUser(userId: string): void {
    this.generation++;
    this.entries.delete(userId);
  }

  /** A creator's posts, opt-ins or existence changed: drop every profile that drew on them. */
  invalidateCreator(creatorId: string): void {
    this.generation++;
    for (const [userId, e] of this.entries) {
      if (e.profile.creatorIds.has(creatorId) || e.key.includes(`|${creatorId}|`)) this.entries.delete(userId);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The part of a profile's inputs the key can see: eligible followed creators + health flag. */
export function profileKey(creatorIds: string[], allowHealth: boolean, mode: string): string {
  return `${mode}|${allowHealth ? 'h' : '-'}|${[...creatorIds].sort().join('|')}|`;
}
