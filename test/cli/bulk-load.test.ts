/**
 * `npm run ingest -- --products F ...` through the real CLI entry function and the fake embedder:
 * refused records reported as file:line: field: message without stopping the load (JSONL and
 * CSV, physical CSV lines), the summary and exit code, --errors, CSV ↔ JSONL parity, and the
 * dependency order of the files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';
import { product } from '../store/fixtures.js';
import { bulkRoot, cli, storedProducts } from './bulk-helpers.js';

const jsonl = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

describe('bulk load: bad records by line', () => {
  it('JSONL: reports a bad JSON line, an unknown field and a bad price by line, loads the rest, exits 1', async () => {
    const t = bulkRoot();
    const products = t.file(
      'products.jsonl',
      jsonl([
        product('p1', { image: t.image('p1.png') }),
        '{"id": "p2", "title": ',
        { ...product('p3', { image: t.image('p3.png') }), colr: 'red' },
        { ...product('p4', { image: t.image('p4.png') }), price: 'cheap' },
        '',
        product('p6', { image: t.image('p6.png') }),
        product('p7', { image: t.image('p7.png'), merchant: 'm-nobody' }),
      ]),
    );
    const errors = `${t.root}/rejected.jsonl`;
    const run = await cli(['--merchants', t.merchants, '--products', products, '--errors', errors], t.env, createFakeEmbedder({ dimension: 8 }));
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:2: json: .+`)));
    expect(lines).toContain(`${products}:3: colr: unknown field "colr"`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:4: price: .*expected number`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:7: merchant: no merchant "m-nobody"`)));
    expect(run.stdout).toContain(`products  ${products}: 2 ok, 4 rejected, 0 skipped as already done`);
    expect((await storedProducts(t.dataDir)).map((p) => p.id)).toEqual(['p1', 'p6']);
    const rejected = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; errors: Array<{ field: string }> });
    expect(rejected.map((r) => [r.line, r.errors[0]!.field])).toEqual([[2, 'json'], [3, 'colr'], [4, 'price'], [7, 'merchant']]);
  });

  it('CSV: reports by physical line (a quoted cell spans two lines), coerces numbers, refuses an unknown column by name', async () => {
    const t = bulkRoot();
    const img = (id: string) => t.image(`${id}.png`);
    const csv = [
      'id,title,description,brand,category,price,currency,merchant,url,network,image,colr',
      `p1,Linen dress,"Two lines,\nof description",Acme,dress,59.5,EUR,m-test,https://shop.example/p1,utm,${img('p1')},`,
      `p2,Bad price,x,Acme,dress,cheap,EUR,m-test,https://shop.example/p2,utm,${img('p2')},`,
      `p3,Typo column,x,Acme,dress,10,EUR,m-test,https://shop.example/p3,utm,${img('p3')},red`,
      `p4,Too many cells,x,Acme,dress,10,EUR,m-test,https://shop.example/p4,utm,${img('p4')},,extra`,
      `p5,Fine,x,Acme,dress,12,EUR,m-test,https://shop.example/p5,utm,${img('p5')},`,
    ].join('\n');
    const products = t.file('products.csv', `${csv}\n`);
    const run = await cli(['--merchants', t.merchants, '--products', products], t.env, createFakeEmbedder({ dimension: 8 }), 0);
    expect(run.code).toBe(1);
    // Not a terminal: plain progress lines (here after every record), rate and ETA from bytes read.
    expect(run.stderr).toMatch(new RegExp(`${products}: \\d+ records, \\d+% of ${csv.length + 1} bytes, \\d+ rec/s, ETA (\\d+ s|\\?)`));
    const lines = run.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:4: price: .*expected number`)));
    expect(lines).toContain(`${products}:5: colr: unknown field "colr"`);
    expect(run.stderr).toContain(`${products}:1: unknown field "colr": refused in every row that fills it`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:6: csv: .*columns`)));
    const stored = await storedProducts(t.dataDir);
    expect(stored.map((p) => p.id)).toEqual(['p1', 'p5']);
    expect(stored[0]).toMatchObject({ price: 59.5, description: 'Two lines,\nof description' });
  });
});

describe('bulk load: CSV and JSONL are the same records', () => {
  it('the same products as JSONL and as CSV store the same products', async () => {
    const t = bulkRoot();
    const rows = [
      product('p1', { image: t.image('p1.png'), description: 'Says "hello", with commas', colour: 'navy' }),
      product('p2', { image: t.image('p2.png'), price: 0.99, currency: 'USD' }),
      product('p3', { image: t.image('p3.png'), brand: 'Ünïcode & Co' }),
    ];
    const fields = ['id', 'title', 'description', 'brand', 'category', 'colour', 'price', 'currency', 'merchant', 'url', 'network', 'image'] as const;
    const cell = (v: unknown) => (v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
    const csv = [fields.join(','), ...rows.map((r) => fields.map((f) => cell(r[f])).join(','))].join('\n');
    const a = t.file('products.jsonl', jsonl(rows));
    const b = t.file('products.csv', `${csv}\n`);
    const embedder = createFakeEmbedder({ dimension: 8 });
    expect((await cli(['--merchants', t.merchants, '--products', a], t.env, embedder)).code).toBe(0);
    const other = { ...t.env, DATA_DIR: `${t.root}/data-csv` };
    expect((await cli(['--merchants', t.merchants, '--products', b], other, embedder)).code).toBe(0);
    const fromJsonl = await storedProducts(t.dataDir);
    expect(fromJsonl).toHaveLength(3);
    expect(await storedProducts(other.DATA_DIR)).toEqual(fromJsonl);
  });

  it('loads merchants → products → creators → posts whatever the order on the command line; CSV lists are |-separated', async () => {
    const t = bulkRoot();
    const products = t.file('products.jsonl', jsonl([product('p1', { image: t.image('p1.png') })]));
    const creators = t.file('creators.csv', 'id,handle,displayName,aesthetics,optIns.styleSource,optIns.affiliate\nc1,@one,One,boho|coastal,true,false\n');
    const posts = t.file('posts.csv', `id,creatorId,image,caption,postedAt,engagement.likes,engagement.comments,engagement.saves,categories\nc1-p1,c1,${t.image('c1-p1.png')},Linen,2026-01-10T10:00:00Z,10,1,2,dress|skirt\n`);
    const run = await cli(['--posts', posts, '--creators', creators, '--products', products, '--merchants', t.merchants], t.env, createFakeEmbedder({ dimension: 8 }));
    expect(run.stdout, run.stdout).not.toMatch(/:\d+: /);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4).map((l) => l.split(' ')[0])).toEqual(['merchants', 'products', 'creators', 'posts']);
    const { openSqliteStore } = await import('../../src/store/sqlite-store.js');
    const store = openSqliteStore({ path: `${t.dataDir}/store.db` });
    expect(await store.getCreator('c1')).toMatchObject({ aesthetics: ['boho', 'coastal'], optIns: { styleSource: true, affiliate: false } });
    expect((await store.listPosts(['c1']))[0]).toMatchObject({ id: 'c1-p1', engagement: { likes: 10, comments: 1, saves: 2 }, categories: ['dress', 'skirt'] });
    await store.close();
  });
});

describe('bulk load: the samples in examples/bulk', () => {
  it('load whole, as JSONL and as CSV, to the same stored products', async () => {
    const t = bulkRoot();
    const embedder = createFakeEmbedder({ dimension: 8 });
    const a = await cli(['--merchants', 'examples/bulk/merchants.jsonl', '--products', 'examples/bulk/products.jsonl'], t.env, embedder);
    expect(a.stdout).toContain('examples/bulk/products.jsonl: 10 ok, 0 rejected');
    expect(a.code).toBe(0);
    const other = { ...t.env, DATA_DIR: `${t.root}/data-csv` };
    const b = await cli(['--merchants', 'examples/bulk/merchants.jsonl', '--products', 'examples/bulk/products.csv'], other, embedder);
    expect(b.stdout).toContain('examples/bulk/products.csv: 10 ok, 0 rejected');
    expect(await storedProducts(other.DATA_DIR)).toEqual(await storedProducts(t.dataDir));
  });
});
