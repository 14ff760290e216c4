/**
 * The plain-language statement of the main ranking parameters that every recommendation response
 * carries (EU Digital Services Act, Art. 27: recommender systems must set out the main parameters
 * and how users can influence them).
 */
import { SAVED_POST_BOOST } from '../profile/feedback.js';
export interface ParameterContext {
  personalized: boolean;
  diversity: number;
  health: boolean;
  clickTracking: boolean;
  halfLifeDays: number;
  /** The request asked to leave some product ids out. */
  excluded?: boolean;
  /** The request capped items per creator or brand. */
  group?: { by: 'creator' | 'brand'; cap: number };
}

/** What the request itself asked for (exclude, groupBy): true of personalised and popular lists alike. */
function requested(c: ParameterContext): string[] {
  return [
    c.excluded ? 'Items you asked to exclude are left out.' : '',
    c.group ? `At most ${c.group.cap} item${c.group.cap === 1 ? '' : 's'} per ${c.group.by === 'creator' ? 'inspiring creator' : 'brand'}.` : '',
  ];
}

export function describeParameters(c: ParameterContext): string {
  if (!c.personalized) {
    return [
      'These items are not based on your data.',
      'They are ordered by how often shoppers clicked them, and otherwise by a fixed editorial order that alternates categories.',
      'Health & wellness items are not shown.',
      'What you view, save, buy or hide is not recorded or used.',
      ...requested(c),
      'Turn on personalisation to get picks based on the creators you follow.',
    ]
      .filter(Boolean)
      .join(' ');
  }
  return [
    'Items are ranked by how closely their picture and description match the style of recent posts by the creators you follow who allow their posts to be used this way;',
    `each creator counts as a separate interest, newer posts count more (a post ${c.halfLifeDays} days old counts half) and posts with more likes, comments and saves count somewhat more.`,
    `Diversity is set to ${c.diversity}: higher values show more varied items at the cost of closeness.`,
    c.clickTracking ? 'Items you already clicked are left out.' : '',
    'What you tell us counts too: products you bought or hid are left out;',
    'items that look like something you marked "not interested" are pushed down (and that item is left out);',
    `posts you saved count ${SAVED_POST_BOOST} times as much, posts you hid are not used;`,
    `and products you viewed, clicked, saved, added to your cart or bought form one more interest (a purchase counts most, an action ${c.halfLifeDays} days old counts half).`,
    c.health ? 'You allowed health & wellness items.' : 'Health & wellness items and posts are never used.',
    ...requested(c),
    'Change who you follow, your consent settings, the filters or the diversity setting, or tell us what you like and do not like, to change the list.',
  ]
    .filter(Boolean)
    .join(' ');
}
