/**
 * The media folder's two-phase writes and start-up recovery: a staged image is invisible until
 * promoted; recovery promotes what the store committed, deletes what it did not, and deletes the
 * images (and temp files) of entities that are gone. Files are named by hash (`mediaFileName`);
 * a folder from before hashed names (percent-encoded ids, `.type` files) keeps the files of
 * entities the store still holds.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMediaStore, mediaFileName } from '../../src/store/media-files.js';
import { fakePng } from '../helpers/fake-embedder.js';

const png = (s: string) => ({ bytes: fakePng(s), contentType: 'image/png' });
const is = (m: { bytes: Uint8Array } | undefined, s: string) => m !== undefined && Buffer.from(m.bytes).equals(fakePng(s));
const name = (id: string) => mediaFileName('product', id);

function media() {
  const dir = mkdtempSync(join(tmpdir(), 'media-'));
  return { dir, media: fileMediaStore(dir), files: (kind = 'products') => readdirSync(join(dir, kind)).sort() };
}

describe('file media store', () => {
  it('serves the old image until the staged one is promoted; discard leaves nothing behind', async () => {
    const { media: m, files } = media();
    await m.promote(await m.stage('product', 'p1', png('v1')));
    const s2 = await m.stage('product', 'p1', png('v2'));
    expect(s2.version).toMatch(/^[0-9a-f]{64}$/);
    expect(is(await m.get('product', 'p1'), 'v1')).toBe(true);
    await m.promote(s2);
    expect(is(await m.get('product', 'p1'), 'v2')).toBe(true);
    await m.discard(await m.stage('product', 'p1', png('v3')));
    expect(files()).toEqual([name('p1')]);
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
    writeFileSync(join(dir, 'products', `${name('kept')}.4b1c-uuid.tmp`), 'a temp file of an older writer');

    const out = await m.recover({
      product: new Map([['kept', committed.version], ['new', fresh.version]]),
      post: new Map(),
    });
    expect(out).toEqual({ promoted: 2, discarded: 3, orphans: 2 });
    expect(is(await m.get('product', 'kept'), 'k2')).toBe(true);
    expect(is(await m.get('product', 'new'), 'n1')).toBe(true);
    expect(files()).toEqual([name('kept'), name('new')].sort());
    expect(files('posts')).toEqual([]);
    // Nothing left to do the second time.
    expect(await m.recover({ product: new Map([['kept', committed.version], ['new', fresh.version]]), post: new Map() })).toEqual({ promoted: 0, discarded: 0, orphans: 0 });
  });

  it('leaves images with no recorded version alone (written before versions were kept)', async () => {
    const { media: m, files } = media();
    await m.promote(await m.stage('product', 'old', png('o')));
    expect(await m.recover({ product: new Map([['old', null]]), post: new Map() })).toEqual({ promoted: 0, discarded: 0, orphans: 0 });
    expect(files()).toEqual([name('old')]);
  });

  it('keeps legacy-named files of stored entities, drops those of gone ones, and a promotion replaces them', async () => {
    const { dir, media: m, files } = media();
    await m.promote(await m.stage('product', 'x', png('x')));
    // What a folder from before hashed names held: the percent-encoded id (dots escaped) and a .type file.
    for (const f of ['old%2E1', 'gone%2E1']) {
      writeFileSync(join(dir, 'products', f), fakePng(f));
      writeFileSync(join(dir, 'products', `${f}.type`), 'image/png');
    }
    const staged = await m.stage('product', 'old.1', png('new')); // committed, then killed before the promotion
    expect(await m.recover({ product: new Map([['x', null], ['old.1', staged.version]]), post: new Map() })).toEqual({ promoted: 1, discarded: 0, orphans: 1 });
    expect(is(await m.get('product', 'old.1'), 'new')).toBe(true);
    expect(files()).toEqual([name('old.1'), name('x')].sort());
  });
});
