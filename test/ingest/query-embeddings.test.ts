import { describe, expect, it } from 'vitest';
import { QueryEmbeddings } from '../../src/embed/query-embeddings.js';

/** An embedder whose calls are recorded and finish only when told to. */
function slowEmbedder() {
  const calls: string[][] = [];
  const release: Array<() => void> = [];
  let fail = false;
  return {
    calls,
    release: () => release.splice(0).forEach((r) => r()),
    failNext: () => void (fail = true),
    embedTexts(texts: string[]) {
      calls.push(texts);
      const failing = fail;
      fail = false;
      return new Promise<Float32Array[]>((resolve, reject) =>
        release.push(() => (failing ? reject(new Error('model down')) : resolve(texts.map((t) => Float32Array.of(t.length, 1))))),
      );
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

/** Lets the model finish calls until `p` settles. */
async function settle<T>(model: { release(): void }, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  while (!done) {
    model.release();
    await tick();
  }
  return p;
}

describe('QueryEmbeddings', () => {
  it('sends the queries that arrive while the model is busy as ONE batch, deduplicated', async () => {
    const model = slowEmbedder();
    const q = new QueryEmbeddings(model, { cacheSize: 10 });
    const first = q.embed('a');
    const rest = ['bb', 'ccc', 'bb', 'dddd'].map((t) => q.embed(t));
    expect(model.calls).toEqual([['a']]);
    model.release();
    await first;
    await tick();
    expect(model.calls).toEqual([['a'], ['bb', 'ccc', 'dddd']]);
    model.release();
    expect((await Promise.all(rest)).map((v) => v[0])).toEqual([2, 3, 2, 4]);
  });

  it('answers a repeated query from memory, as a copy, and forgets the least recently used', async () => {
    const model = slowEmbedder();
    const q = new QueryEmbeddings(model, { cacheSize: 2 });
    for (const t of ['a', 'bb']) await settle(model, q.embed(t));
    const hit = await q.embed('a');
    hit[0] = 99; // the caller's copy: the cache is not affected
    expect((await q.embed('a'))[0]).toBe(1);
    expect(model.calls).toHaveLength(2);
    await settle(model, q.embed('ccc')); // evicts 'bb', the least recently used
    await settle(model, q.embed('bb'));
    expect(model.calls).toHaveLength(4);
  });

  it('a failed model call fails its queries only; the next ones go through', async () => {
    const model = slowEmbedder();
    const q = new QueryEmbeddings(model, { cacheSize: 0 });
    model.failNext();
    await expect(settle(model, q.embed('a'))).rejects.toThrow('model down');
    expect((await settle(model, q.embed('a')))[0]).toBe(1);
    expect(q.cached).toBe(0);
  });
});
