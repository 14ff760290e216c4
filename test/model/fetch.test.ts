/**
 * `npm run models:fetch` (tools/model/fetch-model.ts) against a local HTTP server standing in for
 * the hub (the tests have no network): it serves the file list of the real Xenova CLIP export, so
 * the check is that the files fetched are exactly the ones the service reads, that every one of
 * them exists in the real export (float and quantized), and that a failed fetch leaves nothing
 * half-written.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertModelFolder, requiredModelFiles } from '../../src/embed/model-folder.js';
import { fetchModel, filesToFetch, normalisePreprocessorConfig } from '../../tools/model/fetch-model.js';

/**
 * Files of huggingface.co/Xenova/clip-vit-base-patch32 at commit 4c1807b705b1d015fb032789cc4d221b23025a6f
 * (its file browser, tree/4c1807b.../onnx: the float, fp16 and quantized towers and the combined model).
 * The first commit, dcb5f6119fdbb94f1053e98bd74da0ac582ed2a7, had only onnx/model.onnx and
 * onnx/model_quantized.onnx: the separate towers the service loads came later ("Upload 4 files").
 */
const XENOVA_CLIP_4C1807B = [
  '.gitattributes', 'README.md', 'config.json', 'merges.txt', 'preprocessor_config.json', 'quantize_config.json',
  'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json',
  'onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_quantized.onnx',
  'onnx/text_model.onnx', 'onnx/text_model_fp16.onnx', 'onnx/text_model_quantized.onnx',
  'onnx/vision_model.onnx', 'onnx/vision_model_fp16.onnx', 'onnx/vision_model_quantized.onnx',
];
const XENOVA_CLIP_DCB5F61 = XENOVA_CLIP_4C1807B.filter((f) => !f.startsWith('onnx/') || /^onnx\/model(_quantized)?\.onnx$/.test(f));
const REVISIONS: Record<string, string[]> = {
  main: XENOVA_CLIP_4C1807B,
  '4c1807b705b1d015fb032789cc4d221b23025a6f': XENOVA_CLIP_4C1807B,
  dcb5f6119fdbb94f1053e98bd74da0ac582ed2a7: XENOVA_CLIP_DCB5F61,
};
const ID = 'Xenova/clip-vit-base-patch32';
/** The export's preprocessor config (dictionary sizes); `openai` switches to the integer spelling. */
const preprocessor = (openai: boolean) => JSON.stringify({
  crop_size: openai ? 224 : { height: 224, width: 224 }, do_center_crop: true, do_normalize: true, do_resize: true,
  feature_extractor_type: 'CLIPFeatureExtractor', image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3, size: openai ? 224 : { shortest_edge: 224 },
});

let server: Server;
let host: string;
let requests: string[];
/** Per-test knobs: the integer preprocessor spelling; a file whose body breaks off. */
let hub: { openai: boolean; truncate?: string };
let modelsDir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url!);
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url!);
    const files = m && m[1] === ID ? REVISIONS[decodeURIComponent(m[2]!)] : undefined;
    if (!m || !files?.includes(m[3]!)) return void res.writeHead(404).end('Entry not found');
    const file = m[3]!;
    // Towers get a 3 MB body (several chunks: the download really streams); configs their real text.
    const body = file === 'preprocessor_config.json' ? Buffer.from(preprocessor(hub.openai)) : file.endsWith('.onnx') ? Buffer.alloc(3 << 20, file.length) : Buffer.from(`{"file":"${file}"}`);
    if (hub.truncate === file) {
      res.writeHead(200, { 'content-length': body.length });
      // The connection drops mid-file, after the headers and a first chunk have gone out.
      return void res.write(body.subarray(0, 1000), () => setTimeout(() => res.destroy(), 50));
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(async () => {
  requests = [];
  hub = { openai: false };
  modelsDir = await mkdtemp(path.join(os.tmpdir(), 'fetch-'));
  return () => rm(modelsDir, { recursive: true, force: true });
});

const listFiles = async (dir: string): Promise<string[]> =>
  (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();

describe('npm run models:fetch against a stand-in hub with the Xenova CLIP export\'s files', () => {
  it('asks only for files the real export has, float and quantized', () => {
    const wanted = filesToFetch(['float', 'quantized']);
    expect(wanted.filter((f) => !XENOVA_CLIP_4C1807B.includes(f))).toEqual([]);
    expect(new Set(wanted)).toEqual(new Set([...requiredModelFiles(false), ...requiredModelFiles(true)]));
  });

  it('fetches exactly the files the service reads, at the pinned revision, and the folder loads float and quantized', async () => {
    const rev = '4c1807b705b1d015fb032789cc4d221b23025a6f';
    const r = await fetchModel({ id: ID, modelsDir, revision: rev, host });
    expect(r.folder).toBe(path.join(modelsDir, ID));
    expect(await listFiles(r.folder)).toEqual([...filesToFetch(['float', 'quantized']), 'source.json'].sort());
    expect(requests.every((u) => u.startsWith(`/${ID}/resolve/${rev}/`))).toBe(true);
    await assertModelFolder(modelsDir, ID, false);
    await assertModelFolder(modelsDir, ID, true);
    expect((await stat(path.join(r.folder, 'onnx/vision_model.onnx'))).size).toBe(3 << 20);
    expect(JSON.parse(await readFile(path.join(r.folder, 'source.json'), 'utf8'))).toMatchObject({ id: ID, revision: rev, host });
    expect(r.notes).toEqual([]);
    expect(r.hints).toContain(`MODEL_ID=${ID}`);
    expect(r.hints.join(' ')).toMatch(/MODEL_QUANTIZED=true/);
    // Nothing else beside it: no staging or replaced folder left.
    expect(await readdir(path.dirname(r.folder))).toEqual(['clip-vit-base-patch32']);
  });

  it('--only float fetches no quantized tower and says MODEL_QUANTIZED stays false', async () => {
    const r = await fetchModel({ id: ID, modelsDir, variants: ['float'], host });
    expect(r.files.map((f) => f.file).filter((f) => f.includes('quantized'))).toEqual([]);
    expect(requests.every((u) => u.startsWith(`/${ID}/resolve/main/`))).toBe(true);
    await assertModelFolder(modelsDir, ID, false);
    await expect(assertModelFolder(modelsDir, ID, true)).rejects.toThrow(/set MODEL_QUANTIZED=false/);
    expect(r.hints.join(' ')).toMatch(/MODEL_QUANTIZED=false/);
  });

  it('rewrites openai\'s integer sizes to the dictionary form and says so', async () => {
    hub.openai = true;
    const r = await fetchModel({ id: ID, modelsDir, host });
    const config = JSON.parse(await readFile(path.join(r.folder, 'preprocessor_config.json'), 'utf8'));
    expect(config).toMatchObject({ size: { shortest_edge: 224 }, crop_size: { height: 224, width: 224 }, resample: 3 });
    expect(r.notes.join('\n')).toMatch(/"size": 224 rewritten/);
    const dict = { size: { shortest_edge: 224 } };
    expect(normalisePreprocessorConfig(dict)).toEqual([]);
  });

  it('fails on a revision without the separate towers, naming the file, and leaves the previous folder as it was', async () => {
    const previous = path.join(modelsDir, ID);
    await mkdir(previous, { recursive: true });
    await writeFile(path.join(previous, 'keep.txt'), 'old');
    await expect(fetchModel({ id: ID, modelsDir, revision: 'dcb5f6119fdbb94f1053e98bd74da0ac582ed2a7', host })).rejects.toThrow(/onnx\/text_model\.onnx -> 404/);
    expect(await listFiles(previous)).toEqual(['keep.txt']);
    expect(await readdir(path.dirname(previous))).toEqual(['clip-vit-base-patch32']);
  });

  it('fails on a download that breaks off and replaces nothing', async () => {
    hub.truncate = 'onnx/vision_model.onnx';
    await expect(fetchModel({ id: ID, modelsDir, host })).rejects.toThrow(/vision_model\.onnx/);
    expect(await readdir(modelsDir)).toEqual(['Xenova']);
    expect(await readdir(path.join(modelsDir, 'Xenova'))).toEqual([]);
  });

  it('refuses what is not a hub id before touching the network', async () => {
    for (const id of ['../etc', 'Xenova/..', 'no-slash', 'a/b/c']) await expect(fetchModel({ id, modelsDir, host }), id).rejects.toThrow(/owner\/name/);
    expect(requests).toEqual([]);
  });
});
