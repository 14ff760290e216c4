/**
 * The real app over the fixed-vector test world (test/service/world.ts): the service built by the
 * composition root on a temp DATA_DIR, every write through the real commands, the real consent
 * policy, tagger, store, HNSW index and media folder.
 */
import { buildWorld } from '../service/world.js';

export { ADMIN, APP, REPORTS } from '../helpers/service.js';

export async function buildTestApp(env: Record<string, string> = {}) {
  const w = await buildWorld({ env: { BODY_LIMIT: '64kb', ...env }, responseCache: true });
  return { app: w.app, core: w.core, w, config: w.config };
}
