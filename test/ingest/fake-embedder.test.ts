import { describe, expect, it } from 'vitest';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('fake embedder', () => {
  it('is deterministic, unit-length, and word overlap raises similarity', async () => {
    const e = createFakeEmbedder({ dimension: 64 });
    const [a, a2, b, c] = await e.embedTexts(['red floral dress', 'red floral dress', 'red floral skirt', 'black leather boots']);
    expect(Array.from(a!)).toEqual(Array.from(a2!));
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(e.textsEmbedded).toBe(4);
  });

  it('rejects non-image bytes with IMAGE_UNREADABLE naming the index', async () => {
    const e = createFakeEmbedder();
    const [x, y] = await e.embedImages([fakePng('a'), fakePng('a')]);
    expect(Array.from(x!)).toEqual(Array.from(y!));
    await expect(e.embedImages([fakePng('a'), Buffer.from('nope')])).rejects.toMatchObject({
      code: 'IMAGE_UNREADABLE',
      details: [{ path: 'images.1' }],
    });
  });
});
