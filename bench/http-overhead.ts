/**
 * What the HTTP/ops layer costs per request, apart from the core: the real app (createApp over
 * createService on the fixtures, fake embedder, response cache ON so a recommendation list is a
 * cache hit) is driven by autocannon (a child process) on a cheap route (GET one product) and on
 * the recommendations route, at 1 and 32 connections, beside a bare Express app with one route
 * (the floor). Then, one at a time, each top-level middleware is taken OUT OF THE BUILT APP'S
 * STACK (here, not in src/), so the difference to the full app is that layer's cost.
 *
 * Two numbers per run: req/s, and server CPU µs per request (process.cpuUsage of this process,
 * which only serves: the load generator runs in its own process). The CPU figure is the one to
 * compare on a shared machine (the minimum over rounds is the least disturbed); req/s moves with
 * whatever else runs.
 *
 *   npx tsx bench/http-overhead.ts [--duration 3] [--rounds 3] [--connections 1,32] [--layers] [--profile] [--label now]
 *
 * --profile prints a CPU profile's top frames per route; --no-variants skips the main table.
 * --layers adds the remove-one-layer runs (32 connections only; --layers-only: just those and the
 * full app). Writes
 * reports/bench/http-overhead-<label>.{md,json}.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger, silentLogger, type Logger } from '../src/log.js';
import { createService } from '../src/service.js';
import { createFakeEmbedder } from '../test/helpers/fake-embedder.js';
import { profileWhile, type CpuProfile } from './lib/cpu-profile.js';
import { runLoad, type LoadRequest } from './lib/load.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { fmt, markdownTable, median, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const duration = Number(args.get('duration') ?? 3);
const connectionsList = (args.get('connections') ?? '1,32').split(',').map(Number);
const label = args.get('label') ?? 'now';
const withLayers = args.has('layers');
const withProfile = args.has('profile');
const rounds = Number(args.get('rounds') ?? 3);

interface Row { app: string; route: string; connections: number; rps: number; cpuUsPerRequest: number; minCpuUsPerRequest: number; wallUsPerRequest: number; p99: number; requests: number; bad: number }

async function serve(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((r) => (server.close(() => r()), server.closeAllConnections())) };
}

/** One load run: a short warm-up, then `duration` seconds measured. */
async function measure(app: Express, name: string, route: string, requests: LoadRequest[], headers: Record<string, string>, connections: number): Promise<Row> {
  const s = await serve(app);
  try {
    await runLoad({ url: s.url, connections, duration: 1, requests, headers });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runLoad({ url: s.url, connections, duration, requests, headers });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const row: Row = {
      app: name, route, connections, rps: r.rps, requests: r.requests, p99: r.p99, bad: r.errors + r.non2xx,
      cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, r.requests),
      minCpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, r.requests),
      wallUsPerRequest: (wall * 1000) / Math.max(1, r.requests),
    };
    console.log(`${name.padEnd(34)} ${route.padEnd(16)} c=${String(connections).padEnd(3)} ${fmt(r.rps).padStart(8)} req/s  ${row.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req  p99 ${r.p99} ms${row.bad ? `  ${row.bad} BAD` : ''}`);
    return row;
  } finally {
    await s.close();
  }
}

/** A name for each top-level layer of an app, stable across versions of src/app.ts. */
function layerNames(app: Express): string[] {
  const stack = (app as unknown as { router: { stack: Array<{ name: string }> } }).router.stack;
  // The app before the per-prefix routers mounted three plain Routers: name them by their order.
  let routers = 0;
  const routerNames = stack.filter((l) => l.name === 'router').length === 3 ? ['405 table', 'access table', 'routes'] : [];
  return stack.map((l) => (l.name === 'router' ? (routerNames[routers++] ?? 'router') : l.name || '<anonymous>'));
}

/** The same app with the top-level layers named `drop` removed from its stack. */
function without(app: Express, drop: string): Express {
  const names = layerNames(app);
  const router = (app as unknown as { router: { stack: unknown[] } }).router;
  router.stack = router.stack.filter((_l, i) => names[i] !== drop);
  return app;
}

/** Self time per frame ("function file:line"), µs per request, largest first. */
function selfTimes(profile: CpuProfile, requests: number): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url } = byId.get(profile.samples[i]!)!.callFrame;
    if (functionName === '(idle)') continue;
    const line = (byId.get(profile.samples[i]!)!.callFrame as { lineNumber?: number }).lineNumber;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${line ?? ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return [...self].map(([k, us]) => [k, us / Math.max(1, requests)] as [string, number]).sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const root = mkdtempSync(join(tmpdir(), 'http-overhead-'));
  const base = loadConfig({ ...process.env, DATA_DIR: join(root, 'data'), WORLD_DIR: './fixtures', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', DEMO: 'false', RECOMMEND_CACHE_TTL_S: '3600' });
  const service = await createService(base, { embedder: createFakeEmbedder({ dimension: 128, modelId: base.MODEL_ID }), log: silentLogger });
  await service.core.commands.loadWorld(base.WORLD_DIR);
  const appKey = base.API_KEYS.find((k) => k.scope === 'app')!.key;
  const headers = { authorization: `Bearer ${appKey}` };
  const users = await service.store.listUsers();
  const personalised: string[] = [];
  for (const u of users) if ((await service.core.recommend(u.id, { limit: 20, diversity: 0.3 } as never)).personalized) personalised.push(u.id);
  const products = (JSON.parse(readFileSync(join(base.WORLD_DIR, 'products.json'), 'utf8')) as Array<{ id: string }>).slice(0, 50);
  const routes: Array<[string, LoadRequest[]]> = [
    ['product', products.map((p) => ({ method: 'GET', path: `/v1/products/${p.id}` }))],
    ['recommendations', personalised.slice(0, 50).map((id) => ({ method: 'GET', path: `/v1/users/${id}/recommendations?limit=20` }))],
  ];
  if (personalised.length === 0 || products.length === 0) throw new Error(`nothing to load: ${users.length} shoppers (${personalised.length} personalised), ${products.length} products`);
  console.log(`${personalised.length} personalised shoppers, ${products.length} products to GET`);

  const discard: Logger = createLogger('info', () => {});
  const build = (o: { log?: Logger; rateLimit?: number } = {}) =>
    createApp({ config: { ...base, RATE_LIMIT_PER_MINUTE: o.rateLimit ?? 0 }, core: service.core, log: o.log ?? silentLogger, demo: false }).app;

  const bare = express();
  bare.get('/v1/products/:id', (req, res) => void res.json({ id: req.params.id }));
  bare.get('/v1/users/:id/recommendations', (req, res) => void res.json({ id: req.params.id }));
  // A huge limit: the limiter does all its per-request work (key digest, counter, headers) but never
  // answers 429, which would measure rejections instead.
  const full = () => build({ log: discard, rateLimit: 1_000_000 });
  const variants: Array<[string, () => Express, number[]]> = [
    ['bare express, 1 route (floor)', () => bare, connectionsList],
    ['app, LOG silent, no rate limit', () => build(), connectionsList],
    ['app, LOG info (discarded)', () => build({ log: discard }), connectionsList],
    ['app, LOG info + rate limit', full, connectionsList],
  ];
  if (withLayers) {
    const names = layerNames(full());
    console.log(`layers: ${names.join(' → ')}`);
    if (args.has('layers-only')) variants.splice(0, variants.length, ['app, LOG info + rate limit', full, [32]]);
    for (const drop of [...new Set(names)].filter((n) => n !== 'routes' && n !== '<anonymous>')) variants.push([`app (info + limit) minus ${drop}`, () => without(full(), drop), [32]]);
  }
  // Rounds interleave the variants, so a burst of load from elsewhere hits all of them alike; the
  // table shows each case's median over the rounds.
  const runs = new Map<string, Row[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, make, conns] of args.has('no-variants') ? [] : variants) {
      for (const [route, requests] of routes) for (const c of conns) {
        const row = await measure(make(), name, route, requests, headers, c);
        const key = `${name}|${route}|${c}`;
        runs.set(key, [...(runs.get(key) ?? []), row]);
      }
    }
  }
  const rows: Row[] = [...runs.values()].map((rs) => {
    const mid = (f: (r: Row) => number) => median(rs.map(f));
    return { ...rs[0]!, rps: mid((r) => r.rps), cpuUsPerRequest: mid((r) => r.cpuUsPerRequest), minCpuUsPerRequest: Math.min(...rs.map((r) => r.cpuUsPerRequest)), wallUsPerRequest: mid((r) => r.wallUsPerRequest), p99: mid((r) => r.p99), requests: mid((r) => r.requests), bad: Math.max(...rs.map((r) => r.bad)) };
  });
  const floor = rows.find((r) => r.app.startsWith('bare') && r.route === 'product' && r.connections === 32);
  console.log('\nmedians:');
  for (const r of rows) console.log(`${r.app.padEnd(40)} ${r.route.padEnd(16)} c=${String(r.connections).padEnd(3)} ${fmt(r.rps).padStart(8)} req/s  ${r.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req (min ${r.minCpuUsPerRequest.toFixed(0)})  (${floor ? (r.cpuUsPerRequest - floor.cpuUsPerRequest).toFixed(0) : '?'} over the floor)`);
  if (withProfile) {
    for (const [route, requests] of routes) {
      const s = await serve(full());
      await runLoad({ url: s.url, connections: 32, duration: 1, requests, headers });
      const { value: r, profile } = await profileWhile(() => runLoad({ url: s.url, connections: 32, duration, requests, headers }), 100);
      await s.close();
      console.log(`profile (info + limit), ${route}: ${r.requests} requests; self µs/request by frame (top 30; the profiler inflates them):`);
      for (const [frame, us] of selfTimes(profile, r.requests).slice(0, 30)) console.log(`  ${us.toFixed(1).padStart(6)}  ${frame}`);
    }
  }

  const out = { machine, label, duration, rows };
  writeOut(`reports/bench/http-overhead-${label}.json`, JSON.stringify(out, null, 2));
  writeOut(`reports/bench/http-overhead-${label}.md`, [
    `${machineLine(machine)}; fixtures world, fake embedder, response cache on; ${duration} s per run after 1 s warm-up; medians of ${rounds} interleaved rounds.`, '',
    markdownTable(['app', 'route', 'connections', 'req/s', 'server CPU µs / request (median)', '(min)', 'p99 ms', 'non-2xx'],
      rows.map((r) => [r.app, r.route, r.connections, fmt(r.rps), r.cpuUsPerRequest.toFixed(0), r.minCpuUsPerRequest.toFixed(0), r.p99, r.bad])),
  ].join('\n'));
  console.log(`wrote reports/bench/http-overhead-${label}.md`);
  await service.close();
  rmSync(root, { recursive: true, force: true });
}

await main();
process.exit(0);
