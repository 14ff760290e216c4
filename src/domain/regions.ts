/**
 * Region codes: the one list of country codes the service accepts for a shopper's region and in
 * CONSENT_MIN_AGE_OVERRIDES, and the one normalisation. The consent rules depend on the region
 * (the age of digital consent differs per country), so an unknown code is refused rather than
 * silently treated as "rest of the world".
 *
 * Accepted: every officially assigned ISO 3166-1 alpha-2 code, in any letter case, plus the two
 * codes the EU's own institutions use where they differ from ISO (Interinstitutional Style Guide,
 * section 7.1): `EL` for Greece and `UK` for the United Kingdom, stored as their ISO codes `GR` and
 * `GB`, and `XK` (Kosovo), the user-assigned code the European Commission and most registries use.
 *
 * @example
 * normaliseRegion('el') // 'GR'
 * normaliseRegion('UK') // 'GB'
 * normaliseRegion('XX') // undefined
 */
import { z } from 'zod';

/** ISO 3166-1 alpha-2, officially assigned codes (249), as published by the ISO 3166 Maintenance Agency. */
export const ISO_3166_ALPHA2: ReadonlySet<string> = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
   KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
   MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
   SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
   UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`
    .split(/\s+/)
    .filter(Boolean),
);

/** Codes outside the ISO list that EU institutions use, and the ISO code each is stored as. */
export const REGION_ALIASES: Readonly<Record<string, string>> = {
  EL: 'GR', // Greece: the EU's code (ISO exceptionally reserves EL for it)
  UK: 'GB', // United Kingdom: the EU's code (ISO exceptionally reserves UK for it)
  XK: 'XK', // Kosovo: user-assigned, used by the European Commission; kept as is
};

/** The stored form of a region code (upper-case ISO alpha-2), or undefined for an unknown code. */
export function normaliseRegion(code: string): string | undefined {
  const upper = code.trim().toUpperCase();
  if (ISO_3166_ALPHA2.has(upper)) return upper;
  return REGION_ALIASES[upper];
}

const HINT = 'use an ISO 3166-1 alpha-2 country code such as "DE" (the EU codes EL and UK are accepted as GR and GB)';

/** A message naming an unknown code, for schemas and config alike. */
export const unknownRegionMessage = (code: string) => `unknown region code "${code}": ${HINT}`;

/** A region as the API and world files send it; parses to the stored ISO form, refuses unknown codes naming them. */
export const Region = z
  .string()
  .transform((code, ctx) => {
    const region = normaliseRegion(code);
    if (region) return region;
    ctx.addIssue({ code: 'custom', message: unknownRegionMessage(code) });
    return z.NEVER;
  })
  .describe(`A country code: ISO 3166-1 alpha-2 (any case), or the EU's EL / UK (stored as GR / GB), e.g. "DE".`);
