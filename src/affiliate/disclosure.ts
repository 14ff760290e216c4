/**
 * Affiliate disclosures. The FTC's 2023 Endorsement Guides say "affiliate link" alone is not an
 * adequate disclosure and "paid link" is; the text travels with each item so the UI can show it next
 * to the link. Amazon's Operating Agreement additionally requires its Associates statement.
 */
import type { AffiliateNetwork } from '../domain/index.js';

export const AMAZON_STATEMENT = 'As an Amazon Associate we earn from qualifying purchases.';

/**
 * @param handle the credited creator's handle, or null when no opted-in creator is credited
 * @example disclosureFor('amazon', '@coastal.clara')
 * // "Paid link: we and @coastal.clara may earn a commission. As an Amazon Associate we earn from qualifying purchases."
 */
export function disclosureFor(network: AffiliateNetwork, handle: string | null): string {
  const who = handle ? `we and @${handle.replace(/^@+/, '')}` : 'we';
  const base = `Paid link: ${who} may earn a commission.`;
  return network === 'amazon' ? `${base} ${AMAZON_STATEMENT}` : base;
}
