/** Creators and their posts: the style sources a shopper's taste is learned from. */
import { z } from 'zod';
import { SENSITIVE_HEALTH } from './catalog.js';
import { Id } from './ids.js';
import { ImageRef, TEXT_LIMITS as L, line, text } from './text.js';

export const CreatorOptIns = z.object({
  /** My posts may be used to profile my followers' taste. */
  styleSource: z.boolean(),
  /** I may be credited and paid for the purchases my posts inspire. */
  affiliate: z.boolean(),
});
export type CreatorOptIns = z.infer<typeof CreatorOptIns>;

export const Creator = z.object({
  id: Id,
  handle: line(L.handle).min(1),
  displayName: line(L.displayName),
  /** Style labels the creator goes by, shown to shoppers; never used for ranking. */
  aesthetics: z.array(line(L.aesthetic)).max(5).optional(),
  optIns: CreatorOptIns,
});
export type Creator = z.infer<typeof Creator>;

export const Engagement = z.object({
  likes: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  saves: z.number().int().nonnegative(),
});
export type Engagement = z.infer<typeof Engagement>;

export const Post = z.object({
  id: Id,
  creatorId: Id,
  image: ImageRef,
  caption: text(L.caption),
  postedAt: z.iso.datetime(),
  engagement: Engagement,
  /**
   * The categories of the items the post shows (ids of the category taxonomy). A post showing a
   * health category is health & wellness data: it shapes a profile only with health consent.
   */
  categories: z.array(z.string().min(1)).max(20).optional(),
  /**
   * Optional and never trusted, as for products: "health" is refused unless one of `categories`
   * is a health category. Not stored.
   */
  sensitive: z.literal(SENSITIVE_HEALTH).optional(),
});
export type Post = z.infer<typeof Post>;
