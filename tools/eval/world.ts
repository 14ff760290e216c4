/**
 * Reads a world folder for evaluation: the entities the service ingests plus the fields it never
 * sees (purchase histories, held-out purchases, ground truth). Any world in the documented format
 * (fixtures/README.md) works, not only generated ones: every record is parsed with the world
 * schemas and every reference is checked BEFORE anything is ingested, and a bad world is refused
 * with each bad record named by file, position and id, e.g.
 *   users.json[17] (id "u0018"): history.2.productId: no product "p99999" in products.json
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError, type ErrorDetail } from '../../src/errors.js';
import { Creator, Merchant, Post, Product, PurchaseModel, User } from '../world/schema.js';

export interface EvalWorld {
  dir: string;
  /** Folder name, used in report file names. */
  name: string;
  seed: number | null;
  /** world.json's generator version, when a generator wrote it. */
  generatorVersion: number | null;
  /** The world's fixed "now" (world.json `referenceDate`): history before it, held-out purchases after. */
  referenceDate: Date;
  /** The generator's purchase model, when the world has one (the oracle needs it). */
  purchaseModel: PurchaseModel | null;
  products: Product[];
  creators: Creator[];
  posts: Post[];
  users: User[];
  merchants: Merchant[];
}

/** What of world.json the evaluation reads; everything else in it is the generator's business. */
const Meta = z
  .object({
    seed: z.number().int().optional(),
    generatorVersion: z.number().int().optional(),
    referenceDate: z.iso.datetime().optional(),
    purchaseModel: PurchaseModel.optional(),
  })
  .loose();

/** Problems reported in full before the rest are counted. */
const SHOWN = 20;

class Problems {
  readonly list: ErrorDetail[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

function readJson(dir: string, file: string, problems: Problems, optional = false): unknown {
  const path = join(dir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    if (!optional) problems.add(file, `missing: is "${dir}" a world folder (npm run fixtures -- --out DIR)?`);
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    problems.add(file, `not valid JSON (${(err as Error).message})`);
    return undefined;
  }
}

const recordName = (file: string, i: number, raw: unknown) => {
  const id = (raw as { id?: unknown } | null)?.id;
  return `${file}[${i}]${typeof id === 'string' ? ` (id "${id}")` : ''}`;
};

/** Parses every record of a list file on its own, so each bad one is named. */
function records<T>(file: string, raw: unknown, schema: z.ZodType<T>, problems: Problems): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.add(file, 'must hold a JSON array of records');
    return [];
  }
  const out: T[] = [];
  raw.forEach((item, i) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.add(`${recordName(file, i, item)}: ${issue.path.join('.') || '(record)'}`, issue.message);
  });
  return out;
}

/** Every id a record refers to must exist, and ids must be unique. */
function checkReferences(w: Pick<EvalWorld, 'products' | 'creators' | 'posts' | 'users' | 'merchants'>, problems: Problems): void {
  const unique = (file: string, items: Array<{ id: string }>) => {
    const seen = new Set<string>();
    items.forEach((x, i) => (seen.has(x.id) ? problems.add(`${recordName(file, i, x)}: id`, 'duplicate id') : seen.add(x.id)));
    return seen;
  };
  const products = unique('products.json', w.products);
  const creators = unique('creators.json', w.creators);
  const posts = unique('posts.json', w.posts);
  unique('users.json', w.users);
  const merchants = new Set(w.merchants.map((m) => m.id));
  const ref = (ok: boolean, where: string, message: string) => ok || problems.add(where, message);
  w.products.forEach((p, i) => {
    if (w.merchants.length > 0) ref(merchants.has(p.merchant), `${recordName('products.json', i, p)}: merchant`, `no merchant "${p.merchant}" in merchants.json`);
  });
  w.posts.forEach((p, i) => ref(creators.has(p.creatorId), `${recordName('posts.json', i, p)}: creatorId`, `no creator "${p.creatorId}" in creators.json`));
  w.users.forEach((u, i) => {
    const at = recordName('users.json', i, u);
    u.follows.forEach((c, j) => ref(creators.has(c), `${at}: follows.${j}`, `no creator "${c}" in creators.json`));
    (u.history ?? []).forEach((h, j) => ref(products.has(h.productId), `${at}: history.${j}.productId`, `no product "${h.productId}" in products.json`));
    u.heldOut.forEach((id, j) => ref(products.has(id), `${at}: heldOut.${j}`, `no product "${id}" in products.json`));
    (u.reactions ?? []).forEach((r, j) => ref(posts.has(r.postId), `${at}: reactions.${j}.postId`, `no post "${r.postId}" in posts.json`));
  });
}

/**
 * @throws AppError VALIDATION_FAILED listing every bad record (the first 20 in the message, all in `details`).
 * @example loadEvalWorld('fixtures').users.length // 200
 */
export function loadEvalWorld(dir: string): EvalWorld {
  const abs = resolve(dir);
  const problems = new Problems();
  const rawMeta = readJson(abs, 'world.json', problems);
  const meta = rawMeta === undefined ? undefined : Meta.safeParse(rawMeta);
  if (meta && !meta.success) for (const issue of meta.error.issues) problems.add(`world.json: ${issue.path.join('.')}`, issue.message);
  const m = meta?.success ? meta.data : {};
  const world = {
    products: records('products.json', readJson(abs, 'products.json', problems), Product, problems),
    creators: records('creators.json', readJson(abs, 'creators.json', problems), Creator, problems),
    posts: records('posts.json', readJson(abs, 'posts.json', problems), Post, problems),
    users: records('users.json', readJson(abs, 'users.json', problems), User, problems),
    // Optional: without merchant programmes, links get generic UTM tags.
    merchants: records('merchants.json', readJson(abs, 'merchants.json', problems, true), Merchant, problems),
  };
  if (problems.list.length === 0) checkReferences(world, problems);
  if (problems.list.length > 0) {
    const lines = problems.list.slice(0, SHOWN).map((p) => `  - ${p.path}: ${p.message}`);
    const more = problems.list.length > SHOWN ? [`  … and ${problems.list.length - SHOWN} more`] : [];
    throw new AppError('VALIDATION_FAILED', [`${abs} is not a world in the documented format (fixtures/README.md): ${problems.list.length} problem(s)`, ...lines, ...more].join('\n'), problems.list);
  }
  return {
    dir: abs,
    name: basename(abs),
    seed: m.seed ?? null,
    generatorVersion: m.generatorVersion ?? null,
    referenceDate: new Date(m.referenceDate ?? '2026-06-01T00:00:00Z'),
    purchaseModel: m.purchaseModel ?? null,
    ...world,
  };
}
