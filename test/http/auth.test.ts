import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS } from '../../src/http/auth.js';
import { scopeOfKey } from '../../src/http/auth.js';
import { ADMIN, APP, REPORTS, buildTestApp } from './harness.js';

let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
beforeAll(async () => {
  app = (await buildTestApp()).app;
});

const concrete = (path: string) => path.replace(/:(\w+)/g, (_m, name) => (name === 'id' ? 'u-x' : name === 'token' ? 'tok' : `x-${name}`));
const call = (method: string, path: string, headers: Record<string, string>) => {
  const r = request(app)[method.toLowerCase() as 'get'](concrete(path)).set(headers);
  return ['PUT', 'POST', 'PATCH'].includes(method) ? r.send({}) : r;
};

describe('API keys and scopes, for every route in the access table', () => {
  for (const rule of ACCESS) {
    if (rule.access === 'public') {
      it(`${rule.method} ${rule.path} is public`, async () => {
        const res = await call(rule.method, rule.path, {});
        expect([401, 403]).not.toContain(res.status);
      });
      continue;
    }
    const adminOnly = rule.access === 'admin' || rule.access === 'metrics';
    // Each non-admin scope is refused (403) everywhere but its own routes; admin is accepted everywhere.
    const others = { app: REPORTS, reports: APP } as Record<string, Record<string, string>>;
    it(`${rule.method} ${rule.path} needs a key (401), refuses other scopes (403), accepts ${rule.access}`, async () => {
      const none = await call(rule.method, rule.path, {});
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      const wrong = await call(rule.method, rule.path, { authorization: 'Bearer not-a-real-key' });
      expect(wrong.status).toBe(401);
      for (const key of adminOnly ? [APP, REPORTS] : [others[rule.access]!]) {
        const refused = await call(rule.method, rule.path, key);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('FORBIDDEN');
      }
      if (!adminOnly) expect([401, 403]).not.toContain((await call(rule.method, rule.path, rule.access === 'app' ? APP : REPORTS)).status);
      const admin = await call(rule.method, rule.path, ADMIN);
      expect([401, 403]).not.toContain(admin.status);
    });
  }

  it('a /v1 path that is no route needs a valid key, then is a 404 (not 403); keys are never echoed', async () => {
    expect((await request(app).get('/v1/secret-new-thing')).status).toBe(401);
    const res = await request(app).get('/v1/secret-new-thing').set(APP);
    expect(res.status).toBe(404);
    expect((await request(app).get('/v1/secret-new-thing').set(REPORTS)).status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(JSON.stringify(res.body)).not.toContain('app-key-12345');
  });

  it('compares keys by value only', () => {
    const keys = [{ scope: 'app' as const, key: 'app-key-12345' }, { scope: 'admin' as const, key: 'admin-key-123' }];
    expect(scopeOfKey('admin-key-123', keys)).toBe('admin');
    expect(scopeOfKey('app-key-12345', keys)).toBe('app');
    expect(scopeOfKey('reports-key-1234', [...keys, { scope: 'reports', key: 'reports-key-1234' }])).toBe('reports');
    expect(scopeOfKey('app-key-1234', keys)).toBeNull();
    expect(scopeOfKey('', keys)).toBeNull();
  });
});
