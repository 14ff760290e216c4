/**
 * The affiliate tagger: turns a recommended product into a signed `/r/<token>` link plus its
 * disclosure, and builds the outbound network URL for a product. The outbound URL is always
 * rebuilt from the product's stored URL and the merchant's settings, never read from a request,
 * so `/r/` cannot be used as an open redirect.
 */
import type { LinkKey } from '../config.js';
import type { AffiliateNetwork, Creator, Merchant, Product } from '../domain/index.js';
import { AppError } from '../errors.js';
import { disclosureFor } from './disclosure.js';
import { LINK_BUILDERS } from './networks/index.js';
import { signToken, verifyToken, type TokenClaims } from './token.js';

export interface TaggerOptions {
  /** Programmes known at start-up (the store's merchants); `setProgrammes` keeps them current. */
  merchants: Merchant[];
  /** Link keys for redirect tokens (secrets of 16+ characters): the first signs, every one verifies. */
  keys: readonly LinkKey[];
  tokenTtlSeconds: number;
}

/** Who a link credits: the creator's opaque code (never their id or handle) and the handle the disclosure names. */
export interface Credit {
  code: string;
  handle: string;
}

export interface TagInput {
  product: Product;
  /** The creator to credit, or null (non-personalised lists, search, creators without both opt-ins). */
  credit: Credit | null;
  /** The shopper's link pseudonym; pass it only when the shopper's decision has `clickTracking`. */
  userRef: string | null;
  now: Date;
}

export interface TaggedLink {
  /** "/r/<token>": the only link the UI shows. */
  affiliateUrl: string;
  /** Show next to the link (FTC 2023: "Paid link ..."). */
  disclosure: string;
}

export interface Tagger {
  tag(input: TagInput): TaggedLink;
  /** Verifies a token's key, signature and age; throws TOKEN_INVALID / TOKEN_RETIRED / TOKEN_EXPIRED. */
  verify(token: string, now: Date): TokenClaims;
  /** The outbound URL for a product, crediting `code` if given; built server-side, never read from a request. */
  outbound(product: Product, code: string | null): { url: string; network: AffiliateNetwork };
  /** Replaces the programmes of these merchants (check them with `programmeIssues` first). */
  setProgrammes(merchants: Merchant[]): void;
}

const MIN_SECRET_LENGTH = 16;

/**
 * A creator is credited (named in the disclosure, coded in the link) only with the `affiliate`
 * opt-in; `styleSource` is required too, because a creator whose posts may not be used cannot
 * have inspired the pick.
 */
export function isCreditable(creator: Creator | null | undefined): creator is Creator {
  return !!creator && creator.optIns.affiliate && creator.optIns.styleSource;
}

/**
 * What is wrong with a merchant's programme settings for its network, as one message naming each
 * field, or null when they are fine. The merchant command refuses such a merchant per item.
 */
export function programmeIssues(m: Merchant): string | null {
  const parsed = LINK_BUILDERS[m.network].settings.safeParse(m.settings);
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => `settings.${i.path.join('.')}: ${i.message}`).join('; ');
}

/**
 * Builds a tagger. Start-up merchants are validated here, so a store holding a misconfigured
 * programme fails at start-up naming the merchant and field, not on a shopper's click.
 *
 * @example
 * const tagger = createTagger({ merchants, keys: linkKeys(config), tokenTtlSeconds: 7 * 86400 });
 * const { affiliateUrl, disclosure } = tagger.tag({ product, credit: null, userRef: null, now: new Date() });
 */
export function createTagger(options: TaggerOptions): Tagger {
  const { keys, tokenTtlSeconds } = options;
  const signing = keys[0];
  if (!signing) throw new AppError('CONFIG_INVALID', 'At least one link key is needed (LINK_SECRETS or LINK_SECRET).');
  if (keys.some((k) => k.secret.length < MIN_SECRET_LENGTH)) {
    throw new AppError('CONFIG_INVALID', `Every link secret must be at least ${MIN_SECRET_LENGTH} characters.`);
  }
  if (!(tokenTtlSeconds > 0)) throw new AppError('CONFIG_INVALID', 'The link lifetime (TOKEN_TTL) must be positive.');
  const programmes = new Map<string, { network: AffiliateNetwork; settings: unknown }>();
  const setProgrammes = (merchants: Merchant[]) => {
    for (const m of merchants) {
      const issues = programmeIssues(m);
      if (issues) throw new AppError('CONFIG_INVALID', `Merchant "${m.id}" (${m.network}) is misconfigured: ${issues}`);
      programmes.set(m.id, { network: m.network, settings: LINK_BUILDERS[m.network].settings.parse(m.settings) });
    }
  };
  setProgrammes(options.merchants);
  // A product is only accepted for a known merchant, but a link must never break a whole list:
  // should a programme be missing, the link falls back to a plain UTM tag.
  const programmeOf = (product: Product) =>
    programmes.get(product.merchant) ?? { network: 'utm' as const, settings: LINK_BUILDERS.utm.settings.parse({}) };

  return {
    tag({ product, credit, userRef, now }) {
      const token = signToken({ productId: product.id, creatorCode: credit?.code ?? null, userRef, issuedAt: Math.floor(now.getTime() / 1000) }, signing);
      return {
        affiliateUrl: `/r/${token}`,
        disclosure: disclosureFor(programmeOf(product).network, credit?.handle ?? null),
      };
    },
    verify: (token, now) => verifyToken(token, keys, tokenTtlSeconds, now),
    outbound(product, code) {
      const { network, settings } = programmeOf(product);
      const url = LINK_BUILDERS[network].build(product.url, settings, code);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new AppError('NOT_FOUND', 'This product has no web address we can send you to.');
      }
      return { url: url.href, network };
    },
    setProgrammes,
  };
}
