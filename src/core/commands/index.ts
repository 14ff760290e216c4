/**
 * The core's write commands: each the only code path for its write. A route, a CLI or the
 * evaluation calls one command; none of them touches the store, the index, the media or a cache.
 */
import type { CoreDeps } from '../deps.js';
import type { CoreState } from '../state.js';
import { categoryCommands } from './categories.js';
import { clickCommands } from './clicks.js';
import { creatorCommands } from './creators.js';
import { jobCommands } from './jobs.js';
import { feedbackCommands } from './feedback.js';
import { merchantCommands } from './merchants.js';
import { postCommands } from './posts.js';
import { productCommands } from './products.js';
import { shopperCommands } from './shoppers.js';
import { worldCommands } from './world.js';

export function createCommands(deps: CoreDeps, state: CoreState) {
  const base = {
    ...categoryCommands(deps, state),
    ...merchantCommands(deps, state),
    ...productCommands(deps, state),
    ...creatorCommands(deps, state),
    ...postCommands(deps, state),
    ...shopperCommands(deps, state),
    ...clickCommands(deps, state),
    ...feedbackCommands(deps, state),
  };
  return { ...base, ...worldCommands(deps, base), ...jobCommands(deps, base) };
}

export type Commands = ReturnType<typeof createCommands>;
export type { WriteOptions } from './products.js';
export type { Submitted } from './jobs.js';
export type { WorldProgress, WorldStage, WorldSummary } from './world.js';
export type { ConsentChange, ShopperChange } from './shoppers.js';
