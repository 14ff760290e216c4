import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createConfiguredEmbedder } from '../../src/service.js';

describe('loadConfig', () => {
  it('has a working default for every variable', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', WORLD_DIR: './fixtures', MODEL_ID: 'style-clip-mini', IMAGE_WEIGHT: 0.7, TEXT_WEIGHT: 0.3, ALLOWED_IMAGE_HOSTS: [], BODY_LIMIT: 10 * 1024 * 1024 });
    expect(c.API_KEYS.map((k) => k.scope).sort()).toEqual(['admin', 'app']);
  });

  it('parses lists, sizes, keys and per-country ages', () => {
    const c = loadConfig({ ALLOWED_IMAGE_HOSTS: 'a.example, b.example', BODY_LIMIT: '512kb', API_KEYS: 'app:abcdefgh', CONSENT_MIN_AGE_OVERRIDES: 'dk:13,FR:15', EMBED_THREADS: '2', PORT: '' });
    expect(c.ALLOWED_IMAGE_HOSTS).toEqual(['a.example', 'b.example']);
    expect(c.BODY_LIMIT).toBe(512 * 1024);
    expect(c.API_KEYS).toEqual([{ scope: 'app', key: 'abcdefgh' }]);
    expect(c.CONSENT_MIN_AGE_OVERRIDES).toEqual({ DK: 13, FR: 15 });
    expect(c.EMBED_THREADS).toBe(2);
    expect(c.PORT).toBe(3000); // empty counts as unset
  });

  it('names every bad variable and what it expects, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', EMBED_THREADS: '0', API_KEYS: 'root:supersecretvalue', LINK_SECRET: 'short', CONSENT_MIN_AGE_OVERRIDES: 'DE:12' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    const message = (error as Error).message;
    for (const name of ['PORT', 'EMBED_THREADS', 'API_KEYS', 'LINK_SECRET', 'CONSENT_MIN_AGE_OVERRIDES']) expect(message).toContain(name);
    expect(message).toContain('expected an integer from 1 to 64');
    expect(message).not.toContain('supersecretvalue');
    expect(message).not.toContain('"short"');
  });

  it('reads MODEL_QUANTIZED as a boolean (default false) and refuses anything else', () => {
    expect(loadConfig({}).MODEL_QUANTIZED).toBe(false);
    expect(loadConfig({ MODEL_QUANTIZED: 'true' }).MODEL_QUANTIZED).toBe(true);
    expect(loadConfig({ MODEL_QUANTIZED: '0' }).MODEL_QUANTIZED).toBe(false);
    expect(() => loadConfig({ MODEL_QUANTIZED: 'yes' })).toThrow(/MODEL_QUANTIZED: expected true or false/);
  });
});

describe('createConfiguredEmbedder', () => {
  it('starts the worker with MODEL_QUANTIZED: the shipped folder has no quantized towers, and the error says which setting works', async () => {
    const config = loadConfig({ MODELS_DIR: 'models', MODEL_ID: 'style-clip-mini', MODEL_QUANTIZED: 'true' });
    const err = await createConfiguredEmbedder(config).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/missing onnx\/text_model_quantized\.onnx, onnx\/vision_model_quantized\.onnx\. It has the float towers: set MODEL_QUANTIZED=false/);
  });
});
