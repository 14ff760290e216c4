/**
 * The demo page's entry point: picks a shopper, then loads their follows, consents and
 * recommendations, and re-loads the grid whenever a consent toggle or the diversity slider moves.
 */
import { api } from './api.js';
import { productCard, skeletonCards } from './cards.js';
import { setConsentBusy, showConsents, wireConsents } from './consent.js';
import { at, byId, fill, h } from './dom.js';
import { renderFollowing } from './following.js';
import { describeError, notice } from './notice.js';
import { searchByPost, wireSearch } from './search.js';
import { wireSteering } from './steer.js';
import type { Recommendations, Shopper } from './types.js';

const REC_LIMIT = 12;

const state = {
  shoppers: [] as Shopper[],
  current: null as string | null,
  /** Bumped per load so a slow answer for a previous shopper never overwrites the current one. */
  seq: 0,
};

function diversity(): number {
  return Number(byId<HTMLInputElement>('diversity').value);
}

function renderWhy(recs: Recommendations): void {
  const applied = recs.consent.applied.length ? recs.consent.applied.join(', ') : 'none';
  fill(
    byId('why-body'),
    h('p', { 'data-testid': 'parameters' }, recs.parameters),
    h('p', { class: 'muted' }, `Consent purposes applied to this list: ${applied}. Diversity: ${recs.diversity}.`),
  );
}

function renderRecs(recs: Recommendations): void {
  const grid = byId('rec-grid');
  const status = byId('rec-status');
  const who = state.shoppers.find((s) => s.id === recs.userId)?.displayName ?? recs.userId;
  if (!recs.personalized) {
    fill(status, notice('info', recs.reason ?? 'These picks are not based on your profile.', 'non-profiled-notice'));
  } else {
    fill(status, h('p', { class: 'muted', 'data-testid': 'personalized-note' }, `Picked for ${who} from the style of the creators they follow.`));
  }
  if (recs.items.length === 0) {
    status.append(notice('empty', 'No products to show yet. Try lowering the diversity or following more creators.', 'rec-empty'));
  }
  byId('rec-heading').textContent = recs.personalized ? 'Recommended for this shopper' : 'Popular right now';
  fill(grid, ...recs.items.map((it) => productCard(it, 'rec')));
  renderWhy(recs);
}

/** (Re)loads the grid for the current shopper with the current diversity. */
async function loadRecs(): Promise<void> {
  const id = state.current;
  if (!id) return;
  const seq = ++state.seq;
  const grid = byId('rec-grid');
  grid.setAttribute('aria-busy', 'true');
  fill(grid, ...skeletonCards(6));
  fill(byId('rec-status'), notice('loading', 'Finding products in the style of the creators this shopper follows…'));
  try {
    const recs = await api.recommendations(id, { limit: REC_LIMIT, diversity: diversity() });
    if (seq !== state.seq) return;
    renderRecs(recs);
  } catch (err) {
    if (seq !== state.seq) return;
    fill(grid);
    fill(byId('rec-status'), notice('error', `Could not load recommendations: ${describeError(err)}`, 'rec-error'));
  } finally {
    if (seq === state.seq) grid.removeAttribute('aria-busy');
  }
}

async function loadConsents(id: string): Promise<void> {
  setConsentBusy(true);
  try {
    showConsents(await api.consents(id));
    setConsentBusy(false);
  } catch (err) {
    fill(byId('consent-error'), notice('error', `Could not read consents: ${describeError(err)}`));
  }
}

function showShopperFacts(s: Shopper): void {
  fill(
    byId('shopper-facts'),
    h('span', { class: 'chip', 'data-testid': 'shopper-region' }, `Region ${s.region}`),
    h('span', { class: 'chip', 'data-testid': 'shopper-age' }, `Age ${s.ageBand}`),
  );
}

async function selectShopper(id: string): Promise<void> {
  state.current = id;
  const url = new URL(location.href);
  url.searchParams.set('user', id);
  history.replaceState(null, '', url);
  const summary = state.shoppers.find((s) => s.id === id);
  if (summary) showShopperFacts(summary);
  fill(byId('consent-error'));
  const following = byId('following-list');
  const detail = api.shopper(id).then(
    (s) => {
      if (state.current !== id) return;
      showShopperFacts(s);
      return renderFollowing(following, s, (post, creator) => void searchByPost(post, at(creator.handle)));
    },
    (err) => fill(following, notice('error', `Could not load this shopper: ${describeError(err)}`)),
  );
  await Promise.all([detail, loadConsents(id), loadRecs()]);
}

async function init(): Promise<void> {
  const picker = byId<HTMLSelectElement>('shopper');
  const divOut = byId<HTMLOutputElement>('diversity-value');
  const slider = byId<HTMLInputElement>('diversity');
  wireSearch();
  wireSteering();
  wireConsents(() => state.current, loadRecs, (err) => fill(byId('consent-error'), notice('error', `Could not save consent: ${describeError(err)}`)));
  slider.addEventListener('input', () => (divOut.value = slider.value));
  slider.addEventListener('change', () => void loadRecs());
  picker.addEventListener('change', () => void selectShopper(picker.value));

  try {
    state.shoppers = await api.shoppers();
  } catch (err) {
    fill(byId('rec-status'), notice('error', `Could not load shoppers: ${describeError(err)}`, 'shoppers-error'));
    return;
  }
  if (state.shoppers.length === 0) {
    fill(byId('rec-status'), notice('empty', 'No shoppers in this world yet. Load one with `npm run ingest -- fixtures`.', 'shoppers-empty'));
    return;
  }
  fill(picker, ...state.shoppers.map((s) => h('option', { value: s.id }, `${s.displayName || s.id} · ${s.region} · ${s.ageBand}`)));
  picker.disabled = false;
  const wanted = new URL(location.href).searchParams.get('user');
  const first = state.shoppers.find((s) => s.id === wanted) ?? state.shoppers[0];
  picker.value = first.id;
  await selectShopper(first.id);
}

void init();
