/**
 * The consent policy: which policy version new consent events are stamped with, and the age
 * below which a shopper counts as a minor in each country. Parsed once from config and passed in;
 * nothing here reads the environment.
 */
import { z } from 'zod';

/**
 * EU member states plus the EEA countries (IS, LI, NO), where GDPR Art. 8 applies: the age of
 * digital consent is 16 unless national law lowers it, never below 13.
 */
export const EEA_COUNTRIES = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV',
  'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
] as const;

/** Nobody under 13 is ever profiled or tracked, in any country (COPPA; GDPR Art. 8 floor). */
export const ABSOLUTE_MINOR_AGE = 13;

const Country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in upper case, e.g. "DE"');
const Age = z.number().int().min(ABSOLUTE_MINOR_AGE).max(18);

export const ConsentPolicy = z.object({
  /** Stamped on consent events whose caller did not name a policy version. */
  policyVersion: z.string().min(1),
  /** Stamped on consent events whose caller did not name a source (e.g. "api", "settings-page"). */
  defaultSource: z.string().min(1),
  /** Age of digital consent in the EU/EEA unless a country override says otherwise (GDPR Art. 8). */
  euAge: Age,
  /** Age of digital consent outside the EU/EEA unless overridden (13: COPPA, UK GDPR). */
  otherAge: Age,
  /** Per-country overrides, e.g. { DK: 13, FR: 15 }; never below 13. */
  countryAges: z.record(Country, Age),
  /** Countries that get `euAge` by default. */
  euCountries: z.array(Country),
});
export type ConsentPolicy = z.infer<typeof ConsentPolicy>;

/**
 * The policy from the parsed config (`CONSENT_MIN_AGE`, `CONSENT_MIN_AGE_OVERRIDES`, `POLICY_VERSION`),
 * validated so that an age below 13 can never slip in. Config holds the only defaults: 16 in every
 * EU/EEA country, 13 elsewhere; national laws that lower the EU age (Denmark 13, France 15, ...)
 * are opt-in through the overrides, so a missing override can only make the service stricter.
 *
 * @example const consentPolicy = policyFromConfig(loadConfig(process.env));
 */
export function policyFromConfig(config: {
  CONSENT_MIN_AGE: number;
  CONSENT_MIN_AGE_OVERRIDES: Record<string, number>;
  POLICY_VERSION: string;
}): ConsentPolicy {
  return ConsentPolicy.parse({
    defaultSource: 'api',
    otherAge: ABSOLUTE_MINOR_AGE,
    euCountries: [...EEA_COUNTRIES],
    euAge: config.CONSENT_MIN_AGE,
    countryAges: config.CONSENT_MIN_AGE_OVERRIDES,
    policyVersion: config.POLICY_VERSION,
  });
}
