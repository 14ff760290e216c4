/**
 * The demo page's API types are generated from the OpenAPI document (itself generated from the
 * zod schemas): this fails when a schema changed and `npm run api-types` was not re-run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, CLIENT_SCHEMA_FILE, renderApiTypes } from '../../tools/api/types.js';

describe('demo API types', () => {
  it('are exactly what the served OpenAPI document generates', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed).toContain('export interface paths');
    expect(await renderApiTypes()).toBe(committed);
  });

  it('and the typed client\'s schema (client/schema.ts) too', async () => {
    expect(await renderApiTypes(undefined, 'client')).toBe(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'));
  });
});
