/**
 * The affiliate tagger: turns a recommended product into a signed `/r/<token>` link plus its
 * disclosure, and turns a token back into the outbound network URL. The outbound URL is always
 * rebuilt from the product's stored URL and the merchant's settings, never read from a request,
 * so `/r/` cannot be used as an open redirect.
 */
import { AppError } from '../errors.js';
import type { AffiliateNetwork, Creator, Merchant, Product } from '../world/schema.js';
import { creatorCode } from './creator-code.js';
import { disclosureFor } from './disclosure.js';
import { LINK_BUILDERS } from './networks/index.js';
import { signToken, verifyToken, type TokenClaims } from './token.js';

export interface TaggerOptions {
  merchants: Merchant[];
  /** HMAC key for redirect tokens (at least 16 characters). */
  secret: string;
  tokenTtlSeconds: number;
  /** Key for creator codes; defaults to `secret`. Keep it stable: changing it re-keys every report. */
  creatorCodeSecret?: string;
}

export interface TagInput {
  product: Product;
  /** The creator whose post inspired the pick, or null (non-personalised lists, search). */
  creator: Creator | null;
  /** Pseudonymous user id; pass it only when the shopper's decision has `clickTracking`. */
  userRef: string | null;
  now: Date;
}

export interface TaggedLink {
  /** "/r/<token>": the only link the UI shows. */
  affiliateUrl: string;
  /** Show next to the link (FTC 2023: "Paid link ..."). */
  disclosure: string;
}

export interface ResolvedLink {
  /** The outbound network URL, built server-side. */
  url: string;
  productId: string;
  creatorCode: string | null;
  userRef: string | null;
  network: AffiliateNetwork;
  merchant: string;
}

/** What `resolve` needs to look products up: the Store satisfies it. */
export interface ProductLookup {
  getProduct(id: string): Promise<Product | undefined>;
}

export interface Tagger {
  tag(input: TagInput): TaggedLink;
  /** Verifies a token's signature and age; throws TOKEN_INVALID / TOKEN_EXPIRED. */
  verify(token: string, now: Date): TokenClaims;
  /** Verifies, looks the product up and builds the outbound URL; throws NOT_FOUND for a removed product. */
  resolve(token: string, now: Date, products: ProductLookup): Promise<ResolvedLink>;
  /** The outbound URL for a product, crediting `code` if given (used by `resolve`, the demo and tests). */
  outbound(product: Product, code: string | null): { url: string; network: AffiliateNetwork };
  /** The opaque code a creator is credited under. */
  creatorCode(creatorId: string): string;
}

const MIN_SECRET_LENGTH = 16;

/**
 * A creator is credited (named in the disclosure, coded in the link) only with the `affiliate`
 * opt-in; `styleSource` is required too, because a creator whose posts may not be used cannot
 * have inspired the pick.
 */
export function isCreditable(creator: Creator | null): creator is Creator {
  return !!creator && creator.optIns.affiliate && creator.optIns.styleSource;
}

/**
 * Builds a tagger. Merchant settings are validated here, so a misconfigured programme fails at
 * start-up naming the merchant and field, not on a shopper's click.
 *
 * @example
 * const tagger = createTagger({ merchants, secret: config.linkSecret, tokenTtlSeconds: 7 * 86400 });
 * const { affiliateUrl, disclosure } = tagger.tag({ product, creator, userRef: null, now: new Date() });
 */
export function createTagger(options: TaggerOptions): Tagger {
  const { secret, tokenTtlSeconds } = options;
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`createTagger: the link secret must be at least ${MIN_SECRET_LENGTH} characters.`);
  }
  if (!(tokenTtlSeconds > 0)) throw new Error('createTagger: tokenTtlSeconds must be positive.');
  const codeSecret = options.creatorCodeSecret ?? secret;
  const programmes = new Map<string, { network: AffiliateNetwork; settings: unknown }>();
  for (const m of options.merchants) {
    const parsed = LINK_BUILDERS[m.network].settings.safeParse(m.settings);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `settings.${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`createTagger: merchant "${m.id}" (${m.network}) is misconfigured: ${issues}`);
    }
    programmes.set(m.id, { network: m.network, settings: parsed.data });
  }
  // A merchant without a configured programme still gets a working, UTM-tagged link rather than
  // breaking a whole recommendation list.
  const programmeOf = (product: Product) =>
    programmes.get(product.merchant) ?? { network: 'utm' as const, settings: LINK_BUILDERS.utm.settings.parse({}) };

  const tagger: Tagger = {
    creatorCode: (creatorId) => creatorCode(creatorId, codeSecret),
    tag({ product, creator, userRef, now }) {
      const credited = isCreditable(creator) ? creator : null;
      const token = signToken(
        {
          productId: product.id,
          creatorCode: credited ? tagger.creatorCode(credited.id) : null,
          userRef,
          issuedAt: Math.floor(now.getTime() / 1000),
        },
        secret,
      );
      return {
        affiliateUrl: `/r/${token}`,
        disclosure: disclosureFor(programmeOf(product).network, credited?.handle ?? null),
      };
    },
    verify: (token, now) => verifyToken(token, secret, tokenTtlSeconds, now),
    outbound(product, code) {
      const { network, settings } = programmeOf(product);
      const url = LINK_BUILDERS[network].build(product.url, settings, code);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new AppError('NOT_FOUND', 'This product has no web address we can send you to.');
      }
      return { url: url.href, network };
    },
    async resolve(token, now, products) {
      const claims = tagger.verify(token, now);
      const product = await products.getProduct(claims.productId);
      if (!product) throw new AppError('NOT_FOUND', 'The product behind this link is no longer in the catalog.');
      const { url, network } = tagger.outbound(product, claims.creatorCode);
      return { url, productId: product.id, creatorCode: claims.creatorCode, userRef: claims.userRef, network, merchant: product.merchant };
    },
  };
  return tagger;
}
