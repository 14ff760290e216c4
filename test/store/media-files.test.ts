/**
 * The media folder's two-phase writes and start-up recovery: a staged image is invisible until
 * promoted; recovery promotes what the store committed, deletes what it did not, and deletes the
 * images (and temp files) of entities that are gone.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMediaStore } from '../../src/store/media-files.js';

const png = (s: string) => ({ bytes: Buffer.from(`png:${s}`), contentType: 'image/png' });
const text = (m: { bytes: Uint8Array } | undefined) => (m ? Buffer.from(m.bytes).toString() : undefined);

function media() {
  const dir = mkdtempSync(join(tmpdir(), 'media-'));
  return { dir, media: fileMediaStore(dir), files: (kind = 'products') => readdirSync(join(dir, kind)).sort() };
}

describe('file media store', () => {
  it('serves the old image until the staged one is promoted; discard leaves nothing behind', async () => {
    const { media: m, files } = media();
    await m.promote(await m.stage('product', 'p1', png('v1')));
    const s2 = await m.stage('product', 'p1', { bytes: Buffer.from('jpg:v2'), contentType: 'image/jpeg' });
    expect(s2.version).toMatch(/^[0-9a-f]{64}$/);
    expect(await m.get('product', 'p1')).toMatchObject({ contentType: 'image/png' });
    expect(text(await m.get('product', 'p1'))).toBe('png:v1');
    await m.promote(s2);
    expect(await m.get('product', 'p1')).toMatchObject({ contentType: 'image/jpeg' });
    expect(text(await m.get('product', 'p1'))).toBe('jpg:v2');
    await m.discard(await m.stage('product', 'p1', png('v3')));
    expect(files()).toEqual(['p1', 'p1.type']);
  });

  it('recovery promotes committed versions, drops uncommitted ones, orphans and stray temp files', async () => {
    const { dir, media: m, files } = media();
    await m.promote(await m.stage('product', 'kept', png('k1')));
    await m.promote(await m.stage('product', 'gone', png('g1')));
    await m.promote(await m.stage('post', 'gone-post', png('x')));
    const committed = await m.stage('product', 'kept', png('k2')); // killed after the store commit
    await m.stage('product', 'kept', png('k3')); // killed before its commit
    const fresh = await m.stage('product', 'new', png('n1')); // a new product, committed
    await m.stage('product', 'never', png('z')); // a new product, never committed
    writeFileSync(join(dir, 'products', 'kept.4b1c-uuid.tmp'), 'a temp file of an older writer');

    const out = await m.recover({
      product: new Map([['kept', committed.version], ['new', fresh.version]]),
      post: new Map(),
    });
    expect(out).toEqual({ promoted: 2, discarded: 3, orphans: 2 });
    expect(text(await m.get('product', 'kept'))).toBe('png:k2');
    expect(text(await m.get('product', 'new'))).toBe('png:n1');
    expect(files()).toEqual(['kept', 'kept.type', 'new', 'new.type']);
    expect(files('posts')).toEqual([]);
    // Nothing left to do the second time.
    expect(await m.recover({ product: new Map([['kept', committed.version], ['new', fresh.version]]), post: new Map() })).toEqual({ promoted: 0, discarded: 0, orphans: 0 });
  });

  it('leaves images with no recorded version alone (written before versions were kept)', async () => {
    const { media: m, files } = media();
    await m.promote(await m.stage('product', 'old', png('o')));
    expect(await m.recover({ product: new Map([['old', null]]), post: new Map() })).toEqual({ promoted: 0, discarded: 0, orphans: 0 });
    expect(files()).toEqual(['old', 'old.type']);
  });
});
