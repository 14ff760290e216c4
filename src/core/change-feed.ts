/**
 * The change-feed port: how replicas sharing one database keep their in-memory state (catalog,
 * index, vectors, profile and response caches, merchant programmes) in step. Every `*Changed`
 * function in state.ts publishes what it changed; each replica applies the others' changes
 * through the same functions (remote-changes.ts). With the embedded SQLite backend there is one
 * process and no feed.
 *
 * Correctness does not rest on delivery speed: before every read and write the core calls
 * `catchUp()`, which applies everything committed so far. So a change acknowledged by replica A
 * is applied by replica B before B answers its next request.
 */

/** What changed; small and generic, so a new cache hooks into the same six functions. */
export type Change =
  | { kind: 'products'; ids: string[] }
  | { kind: 'productRemoved'; id: string }
  | { kind: 'creator'; id: string }
  | { kind: 'shopper'; id: string }
  | { kind: 'categories'; ids: string[] }
  | { kind: 'merchants' };

export interface ChangeFeed {
  /** Makes changes visible to every other replica; resolves once they are durable. */
  publish(changes: Change[]): Promise<void>;
  /**
   * Starts following the feed from now: changes committed after this call are passed to
   * `apply` (in commit order) by `catchUp` and by push notifications.
   */
  start(apply: (change: Change) => Promise<void>): Promise<void>;
  /** Applies every change committed before this call (others' only); concurrent calls share work. */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}
