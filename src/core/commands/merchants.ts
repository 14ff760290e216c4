/**
 * Merchant writes: a merchant and its affiliate programme are service data, stored like everything
 * else. Each item is checked against its network's settings (a misconfigured programme is refused
 * with the field named), and a merchant may not move to another network while products still name
 * the old one (they would contradict their merchant). Order: store → tagger → cached lists.
 */
import { Merchant } from '../../domain/index.js';
import { programmeIssues } from '../../affiliate/tagger.js';
import { failResult, okResult, type ItemResult } from '../../ingest/item-result.js';
import { parseItem, type UnknownFieldRule } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { merchantsChanged, type CoreState } from '../state.js';

export function merchantCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  return {
    /** @param unknownFields 'ignore' for world files; the API refuses fields it does not know. */
    async upsertMerchants(items: unknown[], unknownFields: UnknownFieldRule = 'refuse'): Promise<ItemResult[]> {
      const results: ItemResult[] = [];
      const good: Merchant[] = [];
      for (const [k, item] of items.entries()) {
        const parsed = parseItem(Merchant, item, k, unknownFields);
        if (!parsed.ok) {
          results.push(parsed.result);
          continue;
        }
        const m = parsed.value;
        const issues = programmeIssues(m);
        if (issues) {
          results.push(failResult(m.id, 'VALIDATION_FAILED', `items.${k}: the ${m.network} programme is misconfigured: ${issues}`));
          continue;
        }
        const stranded = [...(await store.productNetworks(m.id))].filter(([network]) => network !== m.network);
        if (stranded.length > 0) {
          const list = stranded.map(([network, n]) => `${n} on "${network}"`).join(', ');
          results.push(failResult(m.id, 'VALIDATION_FAILED', `items.${k}.network: merchant "${m.id}" has products on another network (${list}); re-send or remove them first`));
          continue;
        }
        good.push(m);
        results.push(okResult(m.id));
      }
      await store.upsertMerchants(good);
      deps.tagger.setProgrammes(good);
      if (good.length > 0) merchantsChanged(state);
      return results;
    },
  };
}
