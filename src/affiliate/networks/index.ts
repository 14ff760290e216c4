/** The registry of link builders, one per network in the world schema's `AffiliateNetwork`. */
import type { AffiliateNetwork } from '../../domain/index.js';
import { amazon } from './amazon.js';
import { cj } from './cj.js';
import { impact } from './impact.js';
import { rakuten } from './rakuten.js';
import type { LinkBuilder } from './types.js';
import { utm } from './utm.js';

export const LINK_BUILDERS: Readonly<Record<AffiliateNetwork, LinkBuilder>> = { amazon, impact, rakuten, cj, utm };
export type { LinkBuilder } from './types.js';
