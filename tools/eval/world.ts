/**
 * Reads a world folder for evaluation: the entities the service ingests plus the evaluation-only
 * fields it never sees (users' `heldOut`, product attributes). Parsed with the world schemas, so a
 * malformed world fails here with the file and field named.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { Creator, Merchant, Post, Product, User } from '../world/schema.js';

export interface EvalWorld {
  dir: string;
  /** Folder name, used in report file names. */
  name: string;
  seed: number | null;
  /** The world's fixed "now" (world.json `referenceDate`), so profiles weigh posts the same on every run. */
  referenceDate: Date;
  products: Product[];
  creators: Creator[];
  posts: Post[];
  users: User[];
  merchants: Merchant[];
}

const Meta = z.object({ seed: z.number().int().optional(), referenceDate: z.string().optional() }).loose();

function read<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read ${path}: is "${dir}" a world folder (npm run fixtures -- --out DIR)?`, { cause });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} does not match the world format: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export function loadEvalWorld(dir: string): EvalWorld {
  const abs = resolve(dir);
  const meta = read(abs, 'world.json', Meta);
  let merchants: Merchant[] = [];
  try {
    merchants = read(abs, 'merchants.json', z.array(Merchant));
  } catch {
    // Optional: without merchant programmes, links get generic UTM tags.
  }
  return {
    dir: abs,
    name: basename(abs),
    seed: meta.seed ?? null,
    referenceDate: new Date(meta.referenceDate ?? '2026-06-01T00:00:00Z'),
    products: read(abs, 'products.json', z.array(Product)),
    creators: read(abs, 'creators.json', z.array(Creator)),
    posts: read(abs, 'posts.json', z.array(Post)),
    users: read(abs, 'users.json', z.array(User)),
    merchants,
  };
}
