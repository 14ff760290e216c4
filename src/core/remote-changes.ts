/**
 * Applies a change published by another replica (change-feed.ts) to this replica's state,
 * through the same `*Changed` functions a local command uses, plus what a command does beside
 * them (the index, the tagger's programmes). Products are re-read from the store (the primary),
 * so what is applied is what is committed now, whatever the change said.
 */
import type { Change } from './change-feed.js';
import type { CoreDeps } from './deps.js';
import { categoriesChanged, creatorChanged, merchantsChanged, productRemoved, productsWritten, shopperChanged, type CoreState } from './state.js';

export function remoteApplier(deps: CoreDeps, state: CoreState) {
  const asRemote = (fn: () => void) => {
    state.applyingRemote = true;
    try {
      fn();
    } finally {
      state.applyingRemote = false;
    }
  };

  return async function apply(change: Change): Promise<void> {
    switch (change.kind) {
      case 'products': {
        const products = await deps.store.getProducts(change.ids);
        const vectors = await deps.store.getVectors('product', change.ids, deps.embedder.modelId);
        const written = change.ids.flatMap((id) => {
          const product = products.get(id);
          const vector = vectors.get(id);
          return product && vector ? [{ product, vector }] : [];
        });
        const gone = change.ids.filter((id) => !products.has(id) || !vectors.has(id));
        asRemote(() => {
          for (const id of gone) {
            productRemoved(state, id);
            deps.productIndex.remove(id);
          }
          for (const w of written) deps.productIndex.upsert(w.product.id, w.vector);
          productsWritten(state, written);
        });
        return;
      }
      case 'productRemoved':
        return asRemote(() => {
          productRemoved(state, change.id);
          deps.productIndex.remove(change.id);
        });
      case 'creator':
        return asRemote(() => creatorChanged(state, change.id));
      case 'shopper':
        return asRemote(() => shopperChanged(state, change.id));
      case 'categories': {
        // Re-read from the primary: what is applied is what is committed now.
        const ids = new Set(change.ids);
        const categories = (await deps.store.listCategories()).filter((c) => ids.has(c.id));
        return asRemote(() => categoriesChanged(state, categories));
      }
      case 'merchants': {
        const merchants = await deps.store.listMerchants();
        return asRemote(() => {
          deps.tagger.setProgrammes(merchants);
          merchantsChanged(state);
        });
      }
    }
  };
}
