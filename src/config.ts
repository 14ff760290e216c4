/**
 * The service's configuration: every environment variable it reads, parsed ONCE at start-up with
 * zod and passed down. Nothing else in `src/` reads `process.env`.
 *
 * Keys are the environment variable names, so the README's config table, the error messages and
 * the code all use the same words. Add a field here (one line, with a default and a `describe`)
 * rather than reading the environment somewhere else.
 *
 * @example
 * const config = loadConfig(process.env); // throws AppError CONFIG_INVALID naming each bad var
 * app.listen(config.PORT, config.HOST);
 */
import { z } from 'zod';
import { CRASH_STEPS, type CrashStep } from './crash-points.js';
import { normaliseRegion, unknownRegionMessage } from './domain/regions.js';
import { AppError } from './errors.js';

/**
 * What an API key may do. `admin` implies `app` and `reports`; `reports` (an affiliate manager's
 * key) reads the click reports, with creators as opaque codes, and nothing else.
 */
export const Scope = z.enum(['admin', 'app', 'reports']);
export type Scope = z.infer<typeof Scope>;

export interface ApiKey {
  scope: Scope;
  key: string;
}

/** Comma-separated list → trimmed, non-empty entries. */
const csv = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const number = (def: number) =>
  z.coerce.number({ error: 'expected a number' }).pipe(z.number({ error: 'expected a finite number' }).finite()).default(def);
const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.coerce
    .number({ error: 'expected an integer' })
    .pipe(z.number().int({ error }).min(min, { error }).max(max, { error }))
    .default(def);
};

/** "true"/"false" (or 1/0) → boolean. */
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

/** The development keys: with these (and only these) the demo page is on by default (`DEMO=auto`). */
export const DEV_API_KEYS = 'admin:dev-admin-key,app:dev-app-key';

/** "admin:key1,app:key2" → [{ scope, key }]. Keys shorter than 8 characters are refused. */
const apiKeys = z
  .string()
  .default(DEV_API_KEYS)
  .transform((s, ctx) => {
    const keys: ApiKey[] = [];
    for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const colon = entry.indexOf(':');
      const scope = Scope.safeParse(entry.slice(0, colon));
      const key = entry.slice(colon + 1);
      if (colon < 1 || !scope.success || key.length < 8) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected "scope:key" pairs separated by commas, scope admin|app|reports, key of 8+ characters',
        });
        return z.NEVER;
      }
      keys.push({ scope: scope.data, key });
    }
    return keys;
  });

/** "BE:13,FR:15" → { BE: 13, FR: 15 }: per-country digital age of consent (GDPR Art. 8: 13..16). */
const ageOverrides = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const out: Record<string, number> = {};
    for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const m = /^([A-Za-z]{2}):(\d{2})$/.exec(entry);
      const age = m ? Number(m[2]) : NaN;
      if (!m || age < 13 || age > 16) {
        ctx.addIssue({ code: 'custom', message: `expected "CC:age" pairs with age 13..16` });
        return z.NEVER;
      }
      // The same codes as a shopper's region (EL counts as GR); an unknown code is a typo, not a country.
      const country = normaliseRegion(m[1]!);
      if (!country) {
        ctx.addIssue({ code: 'custom', message: unknownRegionMessage(m[1]!) });
        return z.NEVER;
      }
      out[country] = age;
    }
    return out;
  });

/**
 * "EUR:1,USD:1.08,GBP:0.85" → units of each currency per one unit of the first (the base, which
 * must be 1). The default is an illustrative table, not market data: set your own with its date.
 */
const currencyRates = z
  .string()
  .default('EUR:1,USD:1.08,GBP:0.85')
  .transform((s, ctx) => {
    const out: Record<string, number> = {};
    const entries = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const entry of entries) {
      const m = /^([A-Za-z]{3}):(\d+(?:\.\d+)?)$/.exec(entry);
      const rate = m ? Number(m[2]) : NaN;
      if (!m || !(rate > 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected "CUR:rate" pairs (ISO 4217 codes, positive rates), the first being the base at 1, e.g. "EUR:1,USD:1.08"' });
        return z.NEVER;
      }
      out[m[1]!.toUpperCase()] = rate;
    }
    const first = Object.keys(out)[0];
    if (!first || out[first] !== 1) {
      ctx.addIssue({ code: 'custom', message: 'the first currency is the base and must have rate 1, e.g. "EUR:1,USD:1.08"' });
      return z.NEVER;
    }
    return { base: first, perBase: out };
  });
/** A key that signs /r/ links, named by the id every token carries. */
export interface LinkKey {
  kid: string;
  secret: string;
}

/** The key id `LINK_SECRET` (a single secret) is known by, and that tokens without a key id are verified with. */
export const LEGACY_KID = 'k0';
const DEV_LINK_SECRET = 'dev-link-secret-change-me-please';
const KID = /^[A-Za-z0-9_-]{1,16}$/;

/** "k2:secret2,k1:secret1" → keys in order (the first signs). Key ids unique, secrets 16+ chars. */
const linkSecrets = z.string().transform((s, ctx) => {
  const keys: LinkKey[] = [];
  for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const kid = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (colon < 1 || !KID.test(kid) || secret.length < 16 || keys.some((k) => k.kid === kid)) {
      ctx.addIssue({ code: 'custom', message: 'expected "kid:secret" pairs separated by commas: unique key ids of 1-16 letters, digits, _ or -, secrets of 16+ characters' });
      return z.NEVER;
    }
    keys.push({ kid, secret });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one "kid:secret" pair' });
    return z.NEVER;
  }
  return keys;
});

/** Byte sizes like "10mb", "512kb" or a plain number of bytes. */
const byteSize = (def: string) => z
  .string()
  .default(def)
  .transform((s, ctx) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(s.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'expected a size like "10mb", "512kb" or a number of bytes' });
      return z.NEVER;
    }
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
    return Math.floor(Number(m[1]) * unit);
  });

const pgUrl = z.string().regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgres:// URL' });

export const ConfigSchema = z.object({
  PORT: int(3000, 0, 65535).describe('TCP port the HTTP server listens on (0 = any free port).'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to bind; 0.0.0.0 to expose.'),
  DATABASE_URL: pgUrl.optional().describe('PostgreSQL (with pgvector) holding everything: unset = the embedded SQLite + hnswlib default in DATA_DIR.'),
  DATABASE_READ_URL: pgUrl.optional().describe('A streaming replica for reads whose staleness decides nothing (reports, lists); consent, crediting and visibility always read the primary.'),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a lower-case SQL identifier' }).default('public').describe('Schema the service\'s tables live in (several deployments or test runs may share one database).'),
  DATABASE_POOL_MAX: int(10, 1, 500).describe('Connections per pool (primary, and replica when set) of each process.'),
  JOB_MIN_ITEMS: int(200, 1, 100_000).describe('With PostgreSQL, a PUT /v1/products or posts batch of at least this many items is queued for the embedding workers and answered 202 with a job id.'),
  JOB_LEASE_S: int(300, 5, 86_400).describe('Seconds a worker holds the items it claimed; a worker that dies loses them to another after this.'),
  DATA_DIR: z.string().min(1).default('./data').describe('SQLite database, ANN index files and copied media.'),
  WORLD_DIR: z.string().min(1).default('./fixtures').describe('World loaded on an empty DATA_DIR; base of world-relative image paths.'),
  MODELS_DIR: z.string().min(1).default('./models').describe('Folder holding Transformers.js model folders.'),
  MODEL_ID: z.string().min(1).default('style-clip-mini').describe('Model folder name inside MODELS_DIR.'),
  // One definition for every process that loads the model (server, ingest, eval, bench, workers).
  MODEL_QUANTIZED: bool(false).describe('true: load onnx/*_quantized.onnx (dynamic INT8) instead of the float towers; vectors are stored under "<MODEL_ID>:q8", apart from the float ones.'),
  EMBED_THREADS: int(1, 1, 64).describe('Worker threads running the model.'),
  EMBED_BATCH: int(32, 1, 256).describe('Images or texts per embedder call when writing products and posts.'),
  IMAGE_WEIGHT: number(0.7).pipe(z.number().min(0)).describe('Weight of the image vector in fused product/post vectors.'),
  TEXT_WEIGHT: number(0.3).pipe(z.number().min(0)).describe('Weight of the text vector in fused product/post vectors.'),
  ALLOWED_IMAGE_HOSTS: csv.describe('Comma-separated hosts http(s) image URLs may be fetched from (empty: none); "host" allows ports 80/443 only, "host:port" that port too.'),
  IMAGE_FETCH_TIMEOUT_MS: int(10_000, 100, 120_000).describe('Milliseconds an image fetch from an allowed host may take in all.'),
  IMAGE_MAX_BYTES: byteSize('10mb').describe('Largest image accepted from an allowed host; the download is aborted past it.'),
  BODY_LIMIT: byteSize('10mb').describe('Largest accepted JSON body; larger bodies get 413.'),
  API_KEYS: apiKeys.describe('Comma-separated scope:key pairs (scopes admin, app, reports: click reports only). Dev defaults: admin:dev-admin-key,app:dev-app-key.'),
  RECOMMEND_CACHE_TTL_S: int(30, 0, 3600).describe("Seconds a shopper's recommendation list may be served again from memory (0 = no cache). Consent is re-checked on every request; follows, consents, catalog changes and the shopper's clicks invalidate it at once."),
  RECOMMEND_CANDIDATE_DEPTH: int(2000, 300, 100_000).describe('Products kept per precomputed candidate list (one per followed-creator interest, and per filter when the unfiltered list is too short). At least 300, the most one interest is asked for.'),
  QUERY_CACHE_SIZE: int(1000, 0, 1_000_000).describe('Search-query text embeddings kept in memory (least recently used dropped; 0 = none).'),
  // Defaults are the one configuration that met both index targets at 100k x 512 in BENCHMARKS.md
  // (hnswlib's usual M=16/efConstruction=200 builds ~4x slower and still misses recall there).
  HNSW_M: int(32, 4, 128).describe('HNSW graph degree (links per node) for a newly built index.'),
  HNSW_EF_CONSTRUCTION: int(64, 8, 1000).describe('HNSW build-time candidate list size for a newly built index.'),
  HNSW_EF_SEARCH: int(100, 8, 2000).describe('HNSW query-time candidate list size (raised to k when k is larger).'),
  // pgvector's query settings (DATABASE_URL only; HNSW_M/HNSW_EF_CONSTRUCTION/HNSW_EF_SEARCH apply to its index too).
  // Both recall targets at 100k in BENCHMARKS.md ("PostgreSQL") were measured with these.
  PG_HNSW_ITERATIVE_SCAN: z.enum(['off', 'relaxed_order', 'strict_order']).default('relaxed_order').describe("pgvector's hnsw.iterative_scan: keep walking the graph until a filtered search has `limit` rows (off: a selective filter comes back short)."),
  PG_HNSW_MAX_SCAN_TUPLES: int(20_000, 100, 10_000_000).describe("pgvector's hnsw.max_scan_tuples: graph rows an iterative scan visits before it gives up (bounds a filter almost nothing passes)."),
  // A graph walk under a filter few rows pass finds the first `limit` passing rows, not the nearest
  // ones (Recall@10 0.945 at a 2% filter on 100k rows, BENCHMARKS.md "PostgreSQL"); scoring those
  // few rows exactly is both exact and cheap.
  PG_EXACT_SEARCH_MAX_ROWS: int(10_000, 0, 1_000_000).describe('A filtered pgvector search that at most this many products pass is answered by exact distances over those rows instead of an HNSW walk (0 = always walk).'),
  PROFILE_HALF_LIFE_DAYS: number(30).pipe(z.number().positive()).describe('A post half this many days old counts half as much in a profile.'),
  LINK_SECRET: z.string().min(16).optional().describe(`One HMAC secret signing /r/:token links (16+ chars), known as key id "${LEGACY_KID}"; a dev value when neither this nor LINK_SECRETS is set.`),
  LINK_SECRETS: linkSecrets.optional().describe('Link keys for rotation, "kid:secret,kid:secret": the first signs new links, every one listed verifies; a link whose key is no longer listed answers 410.'),
  CLICK_DEDUPE_WINDOW_S: int(1800, 0, 7 * 24 * 3600).describe('A link token counts at most one click per window of this many seconds (0 = count every click).'),
  TOKEN_TTL: int(7 * 24 * 3600, 1).describe('Seconds a /r/:token link stays valid.'),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000').describe('Base URL the service is reached at, for absolute links.'),
  CONSENT_MIN_AGE: int(16, 13, 16).describe('Default minimum age for consent in the EU (GDPR Art. 8).'),
  CONSENT_MIN_AGE_OVERRIDES: ageOverrides.describe('Per-country ages, e.g. "BE:13,FR:15".'),
  POLICY_VERSION: z.string().min(1).default('2026-03').describe('Privacy-policy version stamped on consent events that do not name one.'),
  DEMO: z
    .enum(['true', 'false', 'auto'], { error: 'expected true, false or auto' })
    .default('auto')
    .describe('The demo page and its /demo-api proxy: auto = on only while API_KEYS are the dev keys.'),
  DEMO_MERCHANT_REDIRECT: bool(false).describe('true: /r/:token lands on the local demo merchant page instead of the real network URL (which it shows).'),
  CURRENCY_RATES: currencyRates.describe('Rate table for price filters: "CUR:rate" pairs, units per one unit of the first (base) currency. The default is illustrative, not market data.'),
  CURRENCY_RATES_DATE: z.iso.date({ error: 'expected a date like 2026-01-02' }).default('2026-01-01').describe('The date CURRENCY_RATES are from; shown in every price-filtered response.'),
  CORS_ORIGINS: csv.describe('Comma-separated browser origins allowed to call the API (e.g. https://shop.example); "*" for any; empty: no CORS headers.'),
  RATE_LIMIT_PER_MINUTE: int(1200, 0, 1_000_000).describe('Requests a minute per API key (and per client address without a key, on /v1 and /r/); 0 = no limit.'),
  METRICS_TOKEN: z.string().min(16, { error: 'expected 16+ characters' }).optional().describe('A bearer token that may read GET /metrics without an admin key (for a scraper); unset: admin key only.'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('Least severe log level written.'),
  TEST_CRASH_AT: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const m = /^([a-z-]+)(?::(\d+))?$/.exec(s.trim());
      if (!m || !(CRASH_STEPS as readonly string[]).includes(m[1]!) || m[2] === '0') {
        ctx.addIssue({ code: 'custom', message: `expected "step" or "step:n" (n >= 1), step one of ${CRASH_STEPS.join(', ')}` });
        return z.NEVER;
      }
      return { step: m[1] as CrashStep, nth: Number(m[2] ?? 1) };
    })
    .describe('TEST ONLY (crash test): the process SIGKILLs itself the nth time a write reaches this step. Unset (the default): off.'),
}).superRefine((c, ctx) => {
  if (c.LINK_SECRET !== undefined && c.LINK_SECRETS !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['LINK_SECRETS'], message: `set LINK_SECRETS or LINK_SECRET, not both (LINK_SECRET=s is LINK_SECRETS=${LEGACY_KID}:s)` });
  }
  if (c.DEMO_MERCHANT_REDIRECT && !demoEnabled(c)) {
    ctx.addIssue({ code: 'custom', path: ['DEMO_MERCHANT_REDIRECT'], message: 'true needs the demo page, which is off (set DEMO=true)' });
  }
});

/** The parsed configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/**
 * Whether the demo page and its keyed proxy are mounted: `DEMO=true`, or `auto` (the default) while
 * API_KEYS are exactly the dev keys. Any real key set turns the demo off unless DEMO=true says so.
 */
export function demoEnabled(c: Pick<Config, 'DEMO' | 'API_KEYS'>): boolean {
  if (c.DEMO !== 'auto') return c.DEMO === 'true';
  const dev = DEV_API_KEYS.split(',');
  return c.API_KEYS.length === dev.length && c.API_KEYS.every((k) => dev.includes(`${k.scope}:${k.key}`));
}

/** The link keys in order (the first signs): LINK_SECRETS, else LINK_SECRET as key "k0", else a dev key. */
export function linkKeys(c: Pick<Config, 'LINK_SECRET' | 'LINK_SECRETS'>): LinkKey[] {
  return c.LINK_SECRETS ?? [{ kid: LEGACY_KID, secret: c.LINK_SECRET ?? DEV_LINK_SECRET }];
}

/**
 * Parses the environment once. Unknown variables are ignored; empty strings count as unset.
 * @throws AppError('CONFIG_INVALID') whose message names every bad variable and what it expects.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(config)');
    const got = relevant[name];
    // Never echo secrets back into logs.
    const shown = /KEY|SECRET/.test(name) || got === undefined ? '' : ` (got "${got}")`;
    return { path: name, message: `${issue.message}${shown}` };
  });
  const message = `Invalid configuration: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`;
  throw new AppError('CONFIG_INVALID', message, details);
}
