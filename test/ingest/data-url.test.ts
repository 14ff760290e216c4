import { describe, expect, it } from 'vitest';
import { parseDataUrl } from '../../src/ingest/data-url.js';

describe('parseDataUrl (shared by the embedder and ingest)', () => {
  it('reads base64 with extra parameters before ;base64', () => {
    const parsed = parseDataUrl('data:image/png;charset=x;base64,AAE=');
    expect(parsed?.mediaType).toBe('image/png');
    expect([...parsed!.bytes]).toEqual([0, 1]);
  });

  it('treats a broken %-escape as malformed instead of throwing', () => {
    expect(parseDataUrl('data:,%E0%A4%A')).toBeUndefined();
  });

  it('rejects a string that is not a data: URL', () => {
    expect(parseDataUrl('images/p1.jpg')).toBeUndefined();
  });
});
