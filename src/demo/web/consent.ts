/**
 * The consent panel. Each toggle writes one ledger event through the API; the server enforces
 * consent, the page only asks and then re-reads what is now in force.
 */
import { api } from './api.js';
import { byId } from './dom.js';
import type { ConsentState, Purpose } from './types.js';

const PURPOSES: Purpose[] = ['personalization', 'clickTracking', 'health'];

function toggle(purpose: Purpose): HTMLInputElement {
  return byId<HTMLInputElement>(`consent-${purpose}`);
}

/** Reflects the server's current consent state in the toggles (and the minor notice). */
export function showConsents(state: ConsentState): void {
  for (const p of PURPOSES) toggle(p).checked = Boolean(state.current[p]);
  byId('consent-minor').hidden = !state.minor;
}

/** Enables or disables all toggles, e.g. while a write is in flight or no shopper is picked. */
export function setConsentBusy(busy: boolean): void {
  for (const p of PURPOSES) toggle(p).disabled = busy;
}

/**
 * Wires the toggles: on change, write the event, then call `onChanged` so the grid reloads at once.
 * A failed write puts the toggle back and reports the error.
 */
export function wireConsents(getShopper: () => string | null, onChanged: () => Promise<void>, onError: (err: unknown) => void): void {
  for (const p of PURPOSES) {
    const input = toggle(p);
    input.addEventListener('change', async () => {
      const id = getShopper();
      if (!id) return;
      setConsentBusy(true);
      try {
        await api.setConsent(id, p, input.checked);
        await onChanged();
      } catch (err) {
        input.checked = !input.checked;
        onError(err);
      } finally {
        setConsentBusy(false);
      }
    });
  }
}
