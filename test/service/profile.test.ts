import { describe, expect, it } from 'vitest';
import { ProfileCache, profileKey } from '../../src/profile/cache.js';
import { buildProfile, postWeight } from '../../src/profile/profile.js';
import { dot } from '../../src/embed/vectors.js';
import { CategoryTaxonomy, DEFAULT_CATEGORIES } from '../../src/domain/index.js';
import { creator, NOW, post, vec } from './world.js';

const taxonomy = new CategoryTaxonomy(DEFAULT_CATEGORIES);

describe('profile', () => {
  it('weights newer and more engaging posts more, with recency halving every half-life', () => {
    const fresh = post('a', 'c', 0);
    const old = post('b', 'c', 30);
    expect(postWeight(old, NOW, 30) / postWeight(fresh, NOW, 30)).toBeCloseTo(0.5);
    const viral = post('v', 'c', 0, { engagement: { likes: 10_000, comments: 500, saves: 900 } });
    const ratio = postWeight(viral, NOW, 30) / postWeight(fresh, NOW, 30);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(10); // log-scaled: not 500x
  });

  it('builds one interest per opted-in creator; leaves out others and, without health consent, health posts', () => {
    const posts = [post('r1', 'red', 0), post('b1', 'blue', 0), post('g1', 'green', 0), post('rh', 'red', 0, { categories: ['supplements'] })];
    const vectors = new Map([['r1', vec('red', 0)], ['b1', vec('blue', 0)], ['g1', vec('green', 0)], ['rh', vec('green', 0.5)]]);
    const creators = [creator('red', true, false), creator('blue', true, true), creator('green', false, true)];
    const p = buildProfile({ creators, posts, vectors, allowHealth: false, taxonomy, now: NOW }, { halfLifeDays: 30 });
    expect(p.interests.map((i) => i.creator?.id).sort()).toEqual(['blue', 'red']);
    expect(p.posts.map((x) => x.post.id).sort()).toEqual(['b1', 'r1']);
    const red = p.interests.find((i) => i.creator?.id === 'red')!;
    expect(dot(red.centroid, vec('red', 0))).toBeCloseTo(1);
    const withHealth = buildProfile({ creators, posts, vectors, allowHealth: true, taxonomy, now: NOW }, { halfLifeDays: 30 });
    expect(withHealth.posts.map((x) => x.post.id)).toContain('rh');
    const single = buildProfile({ creators, posts, vectors, allowHealth: false, taxonomy, now: NOW }, { halfLifeDays: 30, mode: 'single' });
    expect(single.interests).toHaveLength(1);
    expect(dot(single.interests[0]!.centroid, vec('red', 0))).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it('cache: a key mismatch misses; invalidation by user and by creator', () => {
    const cache = new ProfileCache();
    const profile = buildProfile({ creators: [creator('red', true, false)], posts: [post('r1', 'red', 0)], vectors: new Map([['r1', vec('red', 0)]]), allowHealth: false, taxonomy, now: NOW }, { halfLifeDays: 30 });
    const key = profileKey(['red'], false, 'multi');
    cache.set('u1', key, profile);
    cache.set('u2', profileKey(['blue'], false, 'multi'), { ...profile, creatorIds: new Set(['blue']) });
    expect(cache.get('u1', key)).toBe(profile);
    expect(cache.get('u1', profileKey(['red'], true, 'multi'))).toBeUndefined();
    cache.invalidateCreator('red');
    expect(cache.get('u1', key)).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.invalidateUser('u2');
    expect(cache.size).toBe(0);
  });
});
