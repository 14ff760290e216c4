/**
 * The plain-language statement of the main ranking parameters that EVERY ranked list carries
 * (recommendations, search, similar: EU Digital Services Act, Art. 27: recommender systems must set
 * out the main parameters and how users can influence them). Each sentence must be true for the
 * person reading it: a minor is never told to turn on something they cannot turn on, and an adult
 * who already allowed personalisation is not told to allow it again.
 */
import { SAVED_POST_BOOST } from '../profile/feedback.js';

/** Why a recommendation list is not personalised. */
export type NotPersonalisedBecause = 'minor' | 'not-granted' | 'no-sources';

export interface ParameterContext {
  personalized: boolean;
  /** When not personalised: why (default 'not-granted'). */
  because?: NotPersonalisedBecause;
  diversity: number;
  health: boolean;
  clickTracking: boolean;
  halfLifeDays: number;
  /** The request asked to leave some product ids out. */
  excluded?: boolean;
  /** The request capped items per creator or brand. */
  group?: { by: 'creator' | 'brand'; cap: number };
  /** The age of digital consent that made the shopper a minor (for `because: 'minor'`). */
  minorAge?: number;
}

/** What the request itself asked for (exclude, groupBy): true of personalised and popular lists alike. */
function requested(c: ParameterContext): string[] {
  return [
    c.excluded ? 'Items you asked to exclude are left out.' : '',
    c.group ? `At most ${c.group.cap} item${c.group.cap === 1 ? '' : 's'} per ${c.group.by === 'creator' ? 'inspiring creator' : 'brand'}.` : '',
  ];
}

/** What a minor is told, in every list: true whatever they set, and it does not invite a change they cannot make. */
function minorSentence(age: number | undefined): string {
  const under = age === undefined ? 'a minor' : `someone under ${age}`;
  return `Because this account may belong to ${under}, it is never personalised or tracked and never shown health & wellness items, whatever its privacy choices say; that changes only if the age on the account changes.`;
}

export function describeParameters(c: ParameterContext): string {
  if (!c.personalized) {
    const because = c.because ?? 'not-granted';
    return [
      'These items are not based on your data.',
      'They are ordered by how often shoppers clicked them, and otherwise by a fixed editorial order that alternates categories.',
      because === 'minor' ? minorSentence(c.minorAge) : healthSentence(c.health, 'list'),
      because === 'no-sources' ? '' : 'What you view, save, buy or hide is not recorded or used.',
      ...requested(c),
      because === 'not-granted' ? 'Turn on personalisation to get picks based on the creators you follow.' : '',
      because === 'no-sources' ? 'Follow creators who allow their posts to be used for recommendations to get picks in their style.' : '',
      'You can narrow the list with the category, price and merchant filters.',
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
    c.health ? 'You allowed health & wellness items.' : 'Health & wellness items and posts are not used because you have not allowed them.',
    ...requested(c),
    'Change who you follow, your consent settings, the filters or the diversity setting, or tell us what you like and do not like, to change the list.',
  ]
    .filter(Boolean)
    .join(' ');
}

function healthSentence(health: boolean, what: 'list' | 'search'): string {
  if (health) return 'Health & wellness items can appear because you allowed them.';
  return what === 'list' ? 'Health & wellness items are not shown.' : 'Health & wellness items are left out.';
}

/** Who a search or similar list was made for: nobody (anonymous), or a shopper's consent decision. */
export type SearchAudience =
  | { kind: 'anonymous' }
  | { kind: 'shopper'; minor: boolean; minorAge?: number; health: boolean; clickTracking: boolean };

/** The parameters of a search ("shop the look") or similar-products list. */
export function describeSearchParameters(what: 'search' | 'similar', audience: SearchAudience): string {
  const ranking =
    what === 'search'
      ? 'Items are ranked by how closely their picture and description match your query (text, photo or both), within the filters you set.'
      : 'Items are ranked by how closely their picture and description match the product you are looking at.';
  const personal = 'No profile of you is used: the order is the same for everyone who asks the same thing.';
  if (audience.kind === 'anonymous') {
    return [
      ranking,
      personal,
      'This list is not tied to a shopper, so it uses nobody\'s consent choices: health & wellness items are left out and links carry no reference to anyone.',
    ].join(' ');
  }
  if (audience.minor) return [ranking, personal, minorSentence(audience.minorAge)].join(' ');
  return [
    ranking,
    personal,
    audience.health ? healthSentence(true, 'search') : 'Health & wellness items are left out because you have not allowed them (they need personalisation and health consent).',
    audience.clickTracking ? 'Links carry your pseudonymous id because you allowed click tracking.' : 'Links carry no reference to you.',
    'Change the query, the filters or your consent settings to change the list.',
  ].join(' ');
}
