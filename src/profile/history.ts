/**
 * The history interest: one more interest beside the creator interests, the weighted centroid of
 * the products the shopper viewed, clicked, saved, added to their cart or bought (weights from
 * `feedbackSignals`: the action and its recency). It joins a profile that has creator interests;
 * on its own it does not personalise (every pick must be able to cite a followed post).
 */
import { weightedCentroid } from '../embed/vectors.js';
import type { Interest, Profile } from './profile.js';

export interface HistoryItem {
  vector: Float32Array;
  weight: number;
}

/** The profile with the history interest added (a new object; the input is not changed). */
export function withHistoryInterest(profile: Profile, items: readonly HistoryItem[]): Profile {
  const usable = items.filter((i) => i.weight > 0);
  if (profile.interests.length === 0 || usable.length === 0) return profile;
  const interest: Interest = {
    creator: null,
    source: 'history',
    centroid: weightedCentroid(usable.map((i) => i.vector), usable.map((i) => i.weight)),
    weight: usable.reduce((s, i) => s + i.weight, 0),
  };
  return { ...profile, interests: [...profile.interests, interest] };
}
