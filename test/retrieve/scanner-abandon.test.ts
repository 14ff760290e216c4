/**
 * A scan nobody waits for any more is not run, or is stopped part-way (src/retrieve/scanner.ts):
 * at 1M x 512 every exact scan costs ~1.3 s of the one scan worker, and clients that had timed out
 * left seconds of them queued ahead of the clients still waiting. A scan is kept while any caller
 * still wants it: another caller with a live signal, or a caller with no signal at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { normalise } from '../../src/embed/vectors.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { topRows, UNRESTRICTED } from '../../src/retrieve/scan.js';
import { Scanner } from '../../src/retrieve/scanner.js';
import { createRng } from '../../tools/world/prng.js';

const DIM = 8;
const scanners: Scanner[] = [];
afterEach(async () => {
  for (const s of scanners.splice(0)) await s.close();
});

function setup(n = 5000) {
  const { next: r } = createRng(7);
  const table = new ProductTable(DIM, 64);
  const product = (id: string) =>
    ({ id, title: id, description: '', brand: 'b', currency: 'EUR', url: 'https://x.example', network: 'utm', image: 'x', category: 'dress', merchant: 'm1', price: 50 }) as Product;
  for (let i = 0; i < n; i++) table.upsert(product(`p${i}`), normalise(Float32Array.from({ length: DIM }, () => r() - 0.4)));
  const scanner = new Scanner(table, { inlineMaxWork: 0 }); // always the worker: only there can a scan wait
  scanners.push(scanner);
  const query = (seed: number) => {
    const { next } = createRng(seed);
    return normalise(Float32Array.from({ length: DIM }, () => next() - 0.4));
  };
  return { table, scanner, query };
}

const gone = () => new Error('client gone');
const exact = (table: ProductTable, q: Float32Array, depth: number) => [...topRows(table, q, UNRESTRICTED, depth, table.rowCount).rows];

describe('scans nobody waits for', () => {
  it('a queued scan whose only caller gave up leaves the queue unrun; the scans around it still answer', async () => {
    const { table, scanner, query } = setup();
    const first = scanner.scan(query(1), UNRESTRICTED, 20); // in the worker now
    const abort = new AbortController();
    const abandoned = scanner.scan(query(2), UNRESTRICTED, 20, abort.signal); // queued behind it
    const last = scanner.scan(query(3), UNRESTRICTED, 20);
    expect(scanner.backlog).toBe(3);
    const reason = gone();
    abort.abort(reason);
    await expect(abandoned).rejects.toBe(reason);
    expect(scanner.backlog).toBe(2);
    expect([...(await first).rows]).toEqual(exact(table, query(1), 20));
    expect([...(await last).rows]).toEqual(exact(table, query(3), 20));
    expect(scanner.abandoned).toEqual({ dropped: 1, stopped: 0 });
    // Asked for again, it is a new scan with a whole answer, not the dropped one.
    expect([...(await scanner.scan(query(2), UNRESTRICTED, 20)).rows]).toEqual(exact(table, query(2), 20));
  });

  it('a running scan whose only caller gave up is stopped in the worker, and the next one runs', async () => {
    const { table, scanner, query } = setup();
    const abort = new AbortController();
    const running = scanner.scan(query(1), UNRESTRICTED, 20, abort.signal);
    const next = scanner.scan(query(2), UNRESTRICTED, 20);
    abort.abort(gone()); // raised before the worker reads the request: it stops at its first look
    await expect(running).rejects.toThrow('client gone');
    expect([...(await next).rows]).toEqual(exact(table, query(2), 20));
    expect(scanner.abandoned).toEqual({ dropped: 0, stopped: 1 });
  });

  it('a shared scan is kept while another caller waits: one with a live signal, or one with none', async () => {
    const { table, scanner, query } = setup();
    const a = new AbortController();
    const b = new AbortController();
    const left = scanner.scan(query(1), UNRESTRICTED, 20, a.signal);
    const stays = scanner.scan(query(1), UNRESTRICTED, 20, b.signal);
    const c = new AbortController();
    const queuedLeft = scanner.scan(query(2), UNRESTRICTED, 20, c.signal);
    const noSignal = scanner.scan(query(2), UNRESTRICTED, 20); // a candidate list: it never gives up
    a.abort(gone());
    c.abort(gone());
    await expect(left).rejects.toThrow('client gone');
    await expect(queuedLeft).rejects.toThrow('client gone');
    expect([...(await stays).rows]).toEqual(exact(table, query(1), 20));
    expect([...(await noSignal).rows]).toEqual(exact(table, query(2), 20));
    expect(scanner.abandoned).toEqual({ dropped: 0, stopped: 0 });
  });

  it('an already aborted signal queues nothing; an abort after the answer changes nothing', async () => {
    const { table, scanner, query } = setup();
    const before = new AbortController();
    before.abort(gone());
    await expect(scanner.scan(query(1), UNRESTRICTED, 20, before.signal)).rejects.toThrow('client gone');
    expect(scanner.backlog).toBe(0);
    const after = new AbortController();
    const answer = await scanner.scan(query(1), UNRESTRICTED, 20, after.signal);
    after.abort(gone());
    expect([...answer.rows]).toEqual(exact(table, query(1), 20));
    // The answer stays shared: the same scan again is the same answer, no new scan.
    expect(await scanner.scan(query(1), UNRESTRICTED, 20)).toBe(answer);
    expect(scanner.abandoned).toEqual({ dropped: 0, stopped: 0 });
  });

  it('topRows stops at its next look at a raised flag, and says so', () => {
    const { table, query } = setup();
    const stop = new Int32Array(new SharedArrayBuffer(4));
    expect(topRows(table, query(1), UNRESTRICTED, 20, table.rowCount, stop).stopped).toBeUndefined();
    Atomics.store(stop, 0, 1);
    const r = topRows(table, query(1), UNRESTRICTED, 20, table.rowCount, stop);
    expect(r.stopped).toBe(true);
    expect(r.rows).toHaveLength(0);
  });
});
