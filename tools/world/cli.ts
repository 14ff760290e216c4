/**
 * `npm run fixtures -- --seed N --out DIR [--products N --creators N --users N --posts-per-creator N]`
 *
 * Writes a synthetic world. Without flags it rebuilds the committed default world into fixtures/.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_WORLD, generateWorld } from './generate.js';

const USAGE = 'usage: npm run fixtures -- --seed N --out DIR [--products N --creators N --users N --posts-per-creator N --concurrency N]';

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const OPTIONS = {
  seed: { type: 'string' },
  out: { type: 'string' },
  products: { type: 'string' },
  creators: { type: 'string' },
  users: { type: 'string' },
  'posts-per-creator': { type: 'string' },
  concurrency: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const options = {
  seed: int('seed', values.seed, DEFAULT_WORLD.seed),
  outDir: values.out ?? 'fixtures',
  products: int('products', values.products, DEFAULT_WORLD.products),
  creators: int('creators', values.creators, DEFAULT_WORLD.creators),
  postsPerCreator: int('posts-per-creator', values['posts-per-creator'], DEFAULT_WORLD.postsPerCreator),
  users: int('users', values.users, DEFAULT_WORLD.users),
  concurrency: values.concurrency === undefined ? undefined : int('concurrency', values.concurrency, 2),
};

const started = performance.now();
let lastPct = -1;
const meta = await generateWorld({
  ...options,
  onProgress: (done, total) => {
    const pct = Math.floor((done / total) * 10) * 10;
    if (pct !== lastPct && process.stderr.isTTY) process.stderr.write(`\rimages ${pct}%`);
    lastPct = pct;
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
const c = meta.counts;
console.log(
  `world seed ${meta.seed} → ${options.outDir}: ${c.products} products, ${c.creators} creators, ${c.posts} posts, ${c.users} users ` +
    `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
