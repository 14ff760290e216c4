/**
 * The storage ports. SQLite (`sqlite-store.ts`) is the embedded default; a scale-out backend
 * (PostgreSQL + pgvector, say) implements the same interfaces, so nothing above the store changes.
 * Methods are async for that reason even though better-sqlite3 is synchronous.
 * Read paths return copies: callers may mutate what they get.
 *
 * These are primitives, not commands: the core's write commands (src/core/commands/) are the only
 * callers that write, and they keep the index, the media and every cache in step.
 */
import type { Category, Click, ConsentEvent, Creator, FeedbackEvent, Merchant, Post, Product, Shopper, StoredFeedback } from '../domain/index.js';

export type EntityKind = 'product' | 'post';

/**
 * What an erasure leaves of a consent event: enough to prove consent was given or withdrawn under
 * which policy, but the user id is replaced by a salted hash and the free-text source is dropped.
 */
export interface ConsentProof {
  subjectHash: string;
  purpose: ConsentEvent['purpose'];
  granted: boolean;
  at: string;
  policyVersion: string;
}

/** What a click report groups by: `day` is the UTC calendar day of the click ("2026-03-01"). */
export type ClickGroupBy = 'creator' | 'product' | 'merchant' | 'network' | 'day';

/** One row of a click report. Nothing in it refers to a shopper: reports are aggregates only. */
export interface ClickReportRow {
  /** The creator code ("(none)" for clicks that credited nobody), product id, merchant id, network or UTC day. */
  key: string;
  /** The UTC day, when the report is also split by day (`byDay`); otherwise null. */
  day: string | null;
  clicks: number;
  /** Clicks that credited a creator (the rest credited nobody). */
  credited: number;
  /** Distinct products clicked. */
  products: number;
}

/** `Store.shopperActivity`: what a computed list leaves out or learns from. */
export interface ShopperActivity {
  clicked: Set<string>;
  feedback: StoredFeedback[];
}

/** Keyset paging by id: entities whose id sorts after `after` (exclusive), at most `limit`. */
export interface IdPage {
  after?: string;
  limit: number;
}

/**
 * What a read about one named shopper needs, in one go (`Store.shopperReadSet`): a server
 * backend answers it in one round trip. Follows and the pseudonym are returned whatever the
 * consent; the caller uses them only when its fresh decision allows (profiling, click linking).
 */
export interface ShopperReadSet {
  user: Shopper;
  /** The consent ledger, oldest first (as `listConsents`). */
  consents: ConsentEvent[];
  /** Followed creator ids in follow order (as `getFollows`). */
  follows: string[];
  /** The link pseudonym (as `linkRefOf`). */
  linkRef: string | undefined;
}

export interface StoreCounts {
  products: number;
  creators: number;
  posts: number;
  users: number;
}

/** An entity together with its fused vector: the store writes both in one transaction. */
export interface WithVector<T> {
  entity: T;
  vector: Float32Array;
  /**
   * The version (`MediaStore.stage`) of the image committed with the entity, kept in the same
   * transaction: after a crash, start-up promotes a staged image only if the store holds its version.
   */
  mediaVersion?: string;
}

export interface Store {
  counts(): Promise<StoreCounts>;
  /** Small service-level markers (e.g. whether the first world load finished); undefined when unset. */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Inserts or replaces each category whole (the category taxonomy; `sensitive` marks health). */
  upsertCategories(categories: Category[]): Promise<void>;
  /** The whole taxonomy, by id; empty until the core seeds it on first start. */
  listCategories(): Promise<Category[]>;

  upsertMerchants(merchants: Merchant[]): Promise<void>;
  listMerchants(): Promise<Merchant[]>;
  /** How many products each merchant has, per network (to refuse a network change that strands them). */
  productNetworks(merchantId: string): Promise<Map<string, number>>;

  /** Products and their vectors under `modelId`, all or nothing. */
  upsertProducts(items: WithVector<Product>[], modelId: string): Promise<void>;
  getProduct(id: string): Promise<Product | undefined>;
  getProducts(ids: string[]): Promise<Map<string, Product>>;
  listProducts(): Promise<Product[]>;
  /** Removes the product and its vectors. */
  deleteProduct(id: string): Promise<boolean>;

  /** Inserts or updates; a new creator gets a fresh random link code, an existing one keeps its code. */
  upsertCreators(creators: Creator[]): Promise<void>;
  getCreator(id: string): Promise<Creator | undefined>;
  getCreators(ids: string[]): Promise<Creator[]>;
  /** Creators by id; with `page`: at most `limit` with an id greater than `after` (keyset paging). */
  listCreators(page?: IdPage): Promise<Creator[]>;
  /** Removes the creator, their posts and post vectors and every follow of them; their link code dies with them. */
  deleteCreator(id: string): Promise<boolean>;
  /** The opaque codes creators are credited under in links and click reports. */
  creatorCodes(ids: string[]): Promise<Map<string, string>>;
  /** The creator a code belongs to now; undefined once that creator was removed. */
  creatorByCode(code: string): Promise<Creator | undefined>;
  /** code → creator for the codes that belong to a creator now (removed creators' codes are absent). */
  creatorsByCodes(codes: string[]): Promise<Map<string, Creator>>;

  /** Posts of one creator and their vectors under `modelId`, all or nothing. */
  upsertPosts(creatorId: string, items: WithVector<Post>[], modelId: string): Promise<void>;
  getPost(id: string): Promise<Post | undefined>;
  listPosts(creatorIds: string[]): Promise<Post[]>;
  /**
   * One creator's posts newest first (postedAt descending, then id ascending), at most `limit`
   * after the position `after` (the postedAt and id of the last post of the previous page).
   */
  listCreatorPosts(creatorId: string, page: { after?: { postedAt: string; id: string }; limit: number }): Promise<Post[]>;
  /** Removes one post of a creator and its vectors. */
  deletePost(creatorId: string, postId: string): Promise<boolean>;
  /** Every product or post id with the media version it was committed with (null: written before versions were kept). */
  mediaVersions(kind: EntityKind): Promise<Map<string, string | null>>;

  /**
   * Inserts or updates; a new shopper gets a fresh random link pseudonym. `demo` is stored when
   * given and kept when undefined (a new shopper without it is not a demo persona); reads always
   * return it as a boolean.
   */
  upsertUser(user: Shopper): Promise<void>;
  getUser(id: string): Promise<Shopper | undefined>;
  /** Shoppers by id; with `page`: at most `limit` with an id greater than `after` (keyset paging). */
  listUsers(page?: IdPage): Promise<Shopper[]>;
  setFollows(userId: string, creatorIds: string[]): Promise<void>;
  /**
   * Adds one follow at the end of the shopper's list; false when it was already there.
   * @throws AppError NOT_FOUND for an unknown shopper or creator.
   */
  addFollow(userId: string, creatorId: string): Promise<boolean>;
  /** Removes one follow; false when the shopper did not follow that creator. */
  removeFollow(userId: string, creatorId: string): Promise<boolean>;
  getFollows(userId: string): Promise<string[]>;
  /**
   * The shopper, their consent ledger, follows and link pseudonym read together (one snapshot;
   * one statement on a server database); undefined for an unknown or erased shopper. Clicks and
   * feedback events are not in it: they may be read only after the consent decision allows them.
   */
  shopperReadSet(userId: string): Promise<ShopperReadSet | undefined>;
  /**
   * Erasure (GDPR Art. 17): follows, feedback events, profile data, the link pseudonym and the user link of clicks go;
   * consent proof stays. When it resolves, nothing erased may be readable in the backend's files
   * either (SQLite: secure_delete zeroes freed content and a TRUNCATE checkpoint empties the WAL;
   * a server database must do the equivalent, e.g. VACUUM of the touched tables).
   */
  eraseUser(userId: string): Promise<boolean>;
  /** The opaque pseudonym a shopper's clicks are linked under (never their id). */
  linkRefOf(userId: string): Promise<string | undefined>;
  /** The shopper a pseudonym belongs to now; undefined once they were erased. */
  userOfLinkRef(ref: string): Promise<string | undefined>;

  /** Append-only: events are never updated or deleted. */
  appendConsents(userId: string, events: ConsentEvent[]): Promise<void>;
  listConsents(userId: string): Promise<ConsentEvent[]>;
  /** Minimal proofs left by erasures, oldest first (for audits). */
  listConsentProofs(): Promise<ConsentProof[]>;

  /**
   * Feedback events of a shopper, appended in order with fresh increasing ids (returned in input
   * order). @throws AppError NOT_FOUND when the shopper does not exist. Erasure removes them.
   */
  appendFeedback(userId: string, events: FeedbackEvent[]): Promise<StoredFeedback[]>;
  /**
   * A shopper's events, oldest first; `after` (an id this method returned) and `limit` page
   * through them. Without a page: every event (what an export of the shopper's data reads).
   */
  listFeedback(userId: string, page?: { after?: string; limit?: number }): Promise<StoredFeedback[]>;
  /** Deletes these events of the shopper (all of theirs when `ids` is omitted); returns how many went. */
  deleteFeedback(userId: string, ids?: string[]): Promise<number>;
  /**
   * What a computed list reads about the shopper once the consent decision allows it, in one go
   * (one statement on a server database): the products clicked under `userRef` (as
   * `clickedProducts`; none read when it is null) and, with `feedback`, every feedback event (as
   * `listFeedback` without a page; none read otherwise). From the primary, like the decision.
   */
  shopperActivity(userId: string, o: { userRef: string | null; feedback: boolean }): Promise<ShopperActivity>;
  /**
   * Records a click. With a `dedupeKey`, a click whose key was already recorded is not recorded
   * again (atomically: a unique key, `INSERT ... ON CONFLICT DO NOTHING`); returns whether it was.
   */
  recordClick(click: Click, options?: { dedupeKey?: string }): Promise<boolean>;
  listClicks(filter?: { from?: string; to?: string }): Promise<Click[]>;
  /**
   * Click counts per `groupBy` key (and per UTC day with `byDay`), over an optional range (a
   * date-only `to` includes that day). Ordered: by day-keyed groupings key then day ascending,
   * otherwise clicks descending then key (byte order in both backends).
   */
  clickReport(groupBy: ClickGroupBy, filter?: { from?: string; to?: string; byDay?: boolean }): Promise<ClickReportRow[]>;
  /** Product ids clicked under this link pseudonym (with clickTracking), to drop from recommendations. */
  clickedProducts(userRef: string): Promise<Set<string>>;
  /** Every click linked to this link pseudonym, oldest first (a shopper's data export, GDPR Art. 15/20). */
  clicksByUserRef(userRef: string): Promise<Click[]>;

  /** Embedding cache keyed by model id + content hash, so unchanged content is never re-embedded. */
  getCachedEmbedding(modelId: string, contentHash: string): Promise<Float32Array | undefined>;
  putCachedEmbedding(modelId: string, contentHash: string, vector: Float32Array): Promise<void>;

  getVectors(kind: EntityKind, ids: string[], modelId: string): Promise<Map<string, Float32Array>>;
  /** How many vectors of a kind exist under a model: lets the index notice it missed writes. */
  countVectors(kind: EntityKind, modelId: string): Promise<number>;
  /** All vectors of a kind under a model: used to rebuild the index. */
  allVectors(kind: EntityKind, modelId: string): Promise<Array<{ id: string; vector: Float32Array }>>;
  /**
   * id → `vectorChecksum` (src/embed/vectors.ts) of every vector of a kind under a model, computed
   * when the vector is written: start-up compares it with the index's to find entries to rewrite.
   */
  vectorChecksums(kind: EntityKind, modelId: string): Promise<Map<string, number>>;

  close(): Promise<void>;
}

export interface MediaFile {
  bytes: Uint8Array;
  /** image/jpeg or image/png as written (the core only stores images it re-encoded itself). */
  contentType: string;
}

/** A written but not yet current image (`MediaStore.stage`). */
export interface StagedMedia {
  kind: EntityKind;
  id: string;
  /** SHA-256 (hex) of the bytes: what the store commits as the entity's media version. */
  version: string;
  /** Unique per write, so concurrent writes of the same image never share a file. */
  token: string;
}

/** What `MediaStore.recover` did at start-up (images, not counting their type files). */
export interface MediaRecovery {
  /** Staged images whose version the store had committed: moved into place. */
  promoted: number;
  /** Staged or temporary images of writes that never committed: deleted. */
  discarded: number;
  /** Images of entities the store no longer holds: deleted. */
  orphans: number;
}

/**
 * Image bytes of products and posts, served at /media/*. The embedded default keeps files under
 * DATA_DIR/media (`media-files.ts`); a scale-out deployment points every replica at one shared
 * folder or swaps in an object store behind the same port.
 *
 * Writes are two-phase so an entity and its image change together even across a crash: `stage`
 * the new bytes (readers still get the old ones), commit the entity with the returned version in
 * the store, then `promote`.
 */
export interface MediaStore {
  /** Writes the bytes beside the current ones (readers still see the old bytes); the handle names their version. */
  stage(kind: EntityKind, id: string, media: MediaFile): Promise<StagedMedia>;
  /** Makes a staged image current, atomically for readers. */
  promote(staged: StagedMedia): Promise<void>;
  /** Drops a staged image whose store write failed. */
  discard(staged: StagedMedia): Promise<void>;
  /** Undefined when missing, and when the stored bytes are not a raster image (never served). */
  get(kind: EntityKind, id: string): Promise<MediaFile | undefined>;
  /** Removes the bytes; no error when there were none. */
  remove(kind: EntityKind, id: string): Promise<void>;
  /**
   * Start-up, before anything is served: promotes staged images whose version the store committed,
   * deletes the other staged and temporary files, and deletes images of entities that are gone.
   * `entities` is every stored id per kind with its committed version (`Store.mediaVersions`).
   */
  recover(entities: Record<EntityKind, Map<string, string | null>>): Promise<MediaRecovery>;
}
