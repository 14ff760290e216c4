/**
 * Builds the real app in-process over the fixed-vector test world (test/service/world.ts), with
 * the real consent policy and affiliate tagger, a simple writer that embeds with the axis
 * embedder, and media read from memory.
 */
import { createTagger } from '../../src/affiliate/tagger.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { defaultPolicy } from '../../src/consent/policy.js';
import type { CatalogWriter } from '../../src/http/routes/catalog.js';
import type { ItemResult } from '../../src/http/schemas.js';
import { Creator, Post, Product } from '../../src/world/schema.js';
import { axisEmbedder, buildWorld, DIM, MODEL, type TestWorld } from '../service/world.js';

export const ADMIN = { authorization: 'Bearer admin-key-123' };
export const APP = { 'x-api-key': 'app-key-12345' };

function perItem<T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, items: unknown[], save: (x: T) => Promise<void>): Promise<ItemResult[]> {
  return Promise.all(
    items.map(async (raw, i): Promise<ItemResult> => {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${i}`;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { id, ok: false, error: { code: 'VALIDATION_FAILED', message: parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') } };
      await save(parsed.data);
      return { id, ok: true };
    }),
  );
}

export function testWriter(w: TestWorld): CatalogWriter {
  return {
    products: (items) =>
      perItem(Product, items, async (p) => {
        const [v] = await axisEmbedder.embedTexts([p.title]);
        await w.store.upsertProducts([p]);
        await w.store.setVector('product', p.id, MODEL, v!);
        w.index.upsert(p.id, v!);
      }),
    creators: (items) => perItem(Creator, items, (c) => w.store.upsertCreators([c])),
    posts: (creatorId, items) =>
      perItem(Post, items.map((x) => ({ ...(x as object), creatorId })), async (p) => {
        const [v] = await axisEmbedder.embedTexts([p.caption]);
        await w.store.upsertPosts(creatorId, [p]);
        await w.store.setVector('post', p.id, MODEL, v!);
      }),
  };
}

export async function buildTestApp(env: Record<string, string> = {}) {
  const w = await buildWorld();
  const config = loadConfig({ API_KEYS: 'admin:admin-key-123,app:app-key-12345', BODY_LIMIT: '64kb', ...env });
  const tagger = createTagger({ merchants: [], secret: config.LINK_SECRET, tokenTtlSeconds: config.TOKEN_TTL });
  const embedder = { ...axisEmbedder, dimension: DIM, close: async () => {} };
  const { app, core } = await createApp({
    config, embedder, store: w.store, productIndex: w.index, catalog: w.catalog, tagger,
    consent: { policy: defaultPolicy() }, writer: testWriter(w), demo: false, now: w.deps.now,
    readMedia: async (kind, id) => (id.endsWith('0') ? { bytes: Buffer.from(`${kind}:${id}`), contentType: 'image/jpeg' } : undefined),
  });
  return { app, core, w, config };
}
