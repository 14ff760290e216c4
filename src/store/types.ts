/**
 * The storage ports. SQLite (`sqlite-store.ts`) is the embedded default; a scale-out backend
 * (PostgreSQL + pgvector, say) implements the same interfaces, so nothing above the store changes.
 * Methods are async for that reason even though better-sqlite3 is synchronous.
 * Read paths return copies: callers may mutate what they get.
 *
 * These are primitives, not commands: the core's write commands (src/core/commands/) are the only
 * callers that write, and they keep the index, the media and every cache in step.
 */
import type { Category, Click, ConsentEvent, Creator, Merchant, Post, Product, Shopper } from '../domain/index.js';

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

export type ClickGroupBy = 'creator' | 'product' | 'network';

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
}

export interface Store {
  counts(): Promise<StoreCounts>;

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
  listCreators(): Promise<Creator[]>;
  /** Removes the creator, their posts and post vectors and every follow of them; their link code dies with them. */
  deleteCreator(id: string): Promise<boolean>;
  /** The opaque codes creators are credited under in links and click reports. */
  creatorCodes(ids: string[]): Promise<Map<string, string>>;
  /** The creator a code belongs to now; undefined once that creator was removed. */
  creatorByCode(code: string): Promise<Creator | undefined>;

  /** Posts of one creator and their vectors under `modelId`, all or nothing. */
  upsertPosts(creatorId: string, items: WithVector<Post>[], modelId: string): Promise<void>;
  getPost(id: string): Promise<Post | undefined>;
  listPosts(creatorIds: string[]): Promise<Post[]>;
  /** Removes one post of a creator and its vectors. */
  deletePost(creatorId: string, postId: string): Promise<boolean>;

  /**
   * Inserts or updates; a new shopper gets a fresh random link pseudonym. `demo` is stored when
   * given and kept when undefined (a new shopper without it is not a demo persona); reads always
   * return it as a boolean.
   */
  upsertUser(user: Shopper): Promise<void>;
  getUser(id: string): Promise<Shopper | undefined>;
  listUsers(): Promise<Shopper[]>;
  setFollows(userId: string, creatorIds: string[]): Promise<void>;
  getFollows(userId: string): Promise<string[]>;
  /**
   * Erasure (GDPR Art. 17): follows, profile data, the link pseudonym and the user link of clicks go;
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
   * Records a click. With a `dedupeKey`, a click whose key was already recorded is not recorded
   * again (atomically: a unique key, `INSERT ... ON CONFLICT DO NOTHING`); returns whether it was.
   */
  recordClick(click: Click, options?: { dedupeKey?: string }): Promise<boolean>;
  listClicks(filter?: { from?: string; to?: string }): Promise<Click[]>;
  clickReport(groupBy: ClickGroupBy, filter?: { from?: string; to?: string }): Promise<Array<{ key: string; clicks: number }>>;
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

  close(): Promise<void>;
}

export interface MediaFile {
  bytes: Uint8Array;
  /** image/jpeg or image/png as written (the core only stores images it re-encoded itself). */
  contentType: string;
}

/**
 * Image bytes of products and posts, served at /media/*. The embedded default keeps files under
 * DATA_DIR/media (`media-files.ts`); a scale-out deployment points every replica at one shared
 * folder or swaps in an object store behind the same port.
 */
export interface MediaStore {
  /** Writes atomically (readers see the old bytes or the new, never half); a no-op when unchanged. */
  put(kind: EntityKind, id: string, media: MediaFile): Promise<void>;
  /** Undefined when missing, and when the stored bytes are not a raster image (never served). */
  get(kind: EntityKind, id: string): Promise<MediaFile | undefined>;
  /** Removes the bytes; no error when there were none. */
  remove(kind: EntityKind, id: string): Promise<void>;
}
