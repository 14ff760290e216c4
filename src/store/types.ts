/**
 * The storage port. SQLite (`sqlite-store.ts`) is the embedded default; a scale-out backend
 * (PostgreSQL + pgvector, say) implements the same interface, so ranking code never changes.
 * Methods are async for that reason even though better-sqlite3 is synchronous.
 * Read paths return copies: callers may mutate what they get.
 */
import type { ConsentEvent, Creator, Post, Product, User } from '../world/schema.js';

export type EntityKind = 'product' | 'post';

/** A shopper as stored: the world's User without evaluation-only fields. */
export type StoredUser = Pick<User, 'id' | 'displayName' | 'region' | 'ageBand'>;

export interface ClickRecord {
  at: string;
  productId: string;
  merchant: string;
  network: string;
  /** Opaque creator code, or null when no opted-in creator is credited. */
  creatorCode: string | null;
  /** Pseudonymous user reference; null unless the shopper granted clickTracking. */
  userRef: string | null;
}

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

export interface Store {
  counts(): Promise<StoreCounts>;

  upsertProducts(products: Product[]): Promise<void>;
  getProduct(id: string): Promise<Product | undefined>;
  getProducts(ids: string[]): Promise<Map<string, Product>>;
  listProducts(): Promise<Product[]>;
  deleteProduct(id: string): Promise<boolean>;

  upsertCreators(creators: Creator[]): Promise<void>;
  getCreator(id: string): Promise<Creator | undefined>;
  listCreators(): Promise<Creator[]>;
  /** Removes the creator, their posts and their post vectors; follows of them are dropped. */
  deleteCreator(id: string): Promise<boolean>;

  upsertPosts(creatorId: string, posts: Post[]): Promise<void>;
  listPosts(creatorIds: string[]): Promise<Post[]>;

  upsertUser(user: StoredUser): Promise<void>;
  getUser(id: string): Promise<StoredUser | undefined>;
  listUsers(): Promise<StoredUser[]>;
  setFollows(userId: string, creatorIds: string[]): Promise<void>;
  getFollows(userId: string): Promise<string[]>;
  /** Erasure (GDPR Art. 17): follows, profile data and the user link of clicks go; consent proof stays. */
  eraseUser(userId: string): Promise<boolean>;

  /** Append-only: events are never updated or deleted. */
  appendConsents(userId: string, events: ConsentEvent[]): Promise<void>;
  listConsents(userId: string): Promise<ConsentEvent[]>;
  /** Minimal proofs left by erasures, oldest first (for audits). */
  listConsentProofs(): Promise<ConsentProof[]>;

  recordClick(click: ClickRecord): Promise<void>;
  listClicks(filter?: { from?: string; to?: string }): Promise<ClickRecord[]>;
  clickReport(groupBy: ClickGroupBy, filter?: { from?: string; to?: string }): Promise<Array<{ key: string; clicks: number }>>;
  /** Product ids this user clicked (with clickTracking), to drop from recommendations. */
  clickedProducts(userRef: string): Promise<Set<string>>;

  /** Embedding cache keyed by model id + content hash, so unchanged content is never re-embedded. */
  getCachedEmbedding(modelId: string, contentHash: string): Promise<Float32Array | undefined>;
  putCachedEmbedding(modelId: string, contentHash: string, vector: Float32Array): Promise<void>;

  /** The fused vector of a product or post under a model. */
  setVector(kind: EntityKind, id: string, modelId: string, vector: Float32Array): Promise<void>;
  getVectors(kind: EntityKind, ids: string[], modelId: string): Promise<Map<string, Float32Array>>;
  /** How many vectors of a kind exist under a model: lets the index notice it missed writes. */
  countVectors(kind: EntityKind, modelId: string): Promise<number>;
  /** All vectors of a kind under a model: used to rebuild the index. */
  allVectors(kind: EntityKind, modelId: string): Promise<Array<{ id: string; vector: Float32Array }>>;

  close(): Promise<void>;
}
