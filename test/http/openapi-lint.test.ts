/**
 * The OpenAPI document lints clean with a real linter (Redocly CLI, recommended rules): 0 errors,
 * and every warning is one of the explained ones (tools/api/lint.ts). A broken document does get
 * errors, so this check can fail.
 */
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { lintOpenApi } from '../../tools/api/lint.js';

describe('OpenAPI lint', () => {
  it('gives 0 errors and only explained warnings', async () => {
    const problems = await lintOpenApi();
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.filter((p) => !p.explained)).toEqual([]);
  });

  it('reports errors in a broken document', async () => {
    const doc = openApiDocument(loadConfig({})) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const op = doc.paths['/v1/search'].post;
    op.responses = { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Nowhere' } } } } };
    const problems = await lintOpenApi(doc);
    expect(problems.some((p) => p.severity === 'error' && p.ruleId === 'no-unresolved-refs')).toBe(true);
  });
});
