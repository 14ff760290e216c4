/**
 * Hostile inputs for the route fuzz test: values of the wrong type, huge and odd Unicode strings,
 * NUL bytes, prototype keys, deep nesting, path tricks, bad data: URLs; and a generator that
 * builds a plausible body from an operation's JSON schema and plants one hostile value in it.
 *
 * Two markers survive JSON.stringify and are replaced in the serialised body (a JS object cannot
 * carry them): "__PROTO__" becomes a real `"__proto__"` key, "__DEEP__" a 20,000-deep array.
 */
import type { Rng } from '../../tools/world/prng.js';
import { fakePng } from '../helpers/fake-embedder.js';

type Json = Record<string, unknown>;

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

export const HOSTILE_DATA_URLS = [
  `data:text/html;base64,${b64('<svg onload="alert(1)"><script>fetch("/demo-api/v1/users")</script></svg>')}`,
  `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')}`,
  `data:image/png\r\nX-Injected: yes\r\n;base64,${b64(fakePng('crlf'))}`,
  'data:image/png;base64,%%%%',
  'data:image/png;base64,',
  'data:,',
  'data:',
  'data:image/png,%E0%A4%A',
  `data:image/png;base64,${b64(Buffer.concat([fakePng('poly'), Buffer.from('<script>alert(1)</script>')]))}`,
  `data:image/gif;base64,${b64('GIF89a' + '\u0000'.repeat(40))}`,
  `data:image/jpeg;base64,${'/9j/'.padEnd(4000, 'A')}`,
];

export const HOSTILE_STRINGS = [
  '', ' ', 'x'.repeat(60_000), 'é'.repeat(20_000), '😀'.repeat(8_000), '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800x',
  '\u202eevil', '\ufeffbom', 'Ａ'.repeat(300), '\r\nX-Header: 1', '<script>alert(1)</script>', "'; DROP TABLE products; --",
  '../../../../etc/passwd', '/etc/passwd', 'images/../../../x.png', 'images/products/%2e%2e/x.png', '\\\\server\\share\\x.png',
  'file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:22/', 'https://example.com/x.png',
  'javascript:alert(1)', '%s%s%s%n', '${7*7}', '{{7*7}}', '__proto__', 'constructor', ...HOSTILE_DATA_URLS,
];

export const HOSTILE_VALUES: unknown[] = [
  null, 0, -1, 1.5, 1e308, -1e308, true, false, [], {}, [[[]]], [null], { a: 1 },
  { __PROTO__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }, '__DEEP__',
  Array.from({ length: 200 }, (_, i) => i), ...HOSTILE_STRINGS,
];

/** Ids that broke the old code (lone surrogate, 85 slashes, 42 é, 201 characters) and friends. */
export const HOSTILE_ID_VALUES = ['p\ud800', '/'.repeat(85), 'é'.repeat(42), 'p'.repeat(201), '..', '../../etc/passwd', 'a\u0000b', ' ', '%2F'];

/** Path segments, already in their on-the-wire form. */
export const HOSTILE_PATH_PARAMS = [
  'r0', 'u1', 'c-red', '%2F', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '..', '.', '%00', 'a%00b', 'x'.repeat(3000),
  encodeURIComponent('é'.repeat(300)), '%F0%9F%98%80', '%E0%A4%A', '%', '%ud800', '%ED%A0%80' /* a lone surrogate, as UTF-8 would encode it */,
  '__proto__', 'constructor', '%20', encodeURIComponent('<script>'), "'or'1'='1", 'k1.e30.' + 'A'.repeat(43), 'a.b.c.d',
];

export const HOSTILE_QUERY_VALUES = ['', '-1', '0', 'NaN', 'Infinity', '1e309', 'abc', 'x'.repeat(5000), '%00', '[]', '{}', '__proto__', 'true', '2026-13-45', '1&limit=2'];

export const BAD_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-7', 'application/xml', 'image/png'];

export const MALFORMED_JSON = ['{', '{"items":', 'nul', '"\u0000"', '[' .repeat(30_000), '{"a":1,}', "{'a':1}", '\u0000\u0001', '{"text":"\\ud800"}', '1e999999'];

/** A value that satisfies `schema` as simply as possible (a starting point for mutation). */
export function sample(schema: Json | undefined, rng: Rng, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  const anyOf = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (anyOf?.length) return sample(rng.pick(anyOf), rng, depth + 1);
  if (schema.enum) return rng.pick(schema.enum as unknown[]);
  if ('const' in schema) return schema.const;
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v, rng, depth + 1)]));
    }
    case 'array':
      return [sample(schema.items as Json, rng, depth + 1)];
    case 'string':
      if (schema.format === 'date-time') return '2026-05-01T10:00:00Z';
      if (schema.format === 'uri') return 'https://shop.example/p';
      return schema.pattern ? 'x1' : 'x';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    default:
      return 'x';
  }
}

/** Replaces one randomly chosen node of `value` (or the whole of it) with a hostile value. */
export function plant(value: unknown, rng: Rng): unknown {
  const nodes: Array<{ parent: Json | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) nodes.push({ parent: v as Json, key: k }), walk(x);
  };
  walk(value);
  if (nodes.length === 0 || rng.chance(0.1)) return rng.pick(HOSTILE_VALUES);
  const { parent, key } = rng.pick(nodes);
  (parent as Record<string | number, unknown>)[key] = rng.chance(0.5) ? rng.pick(HOSTILE_STRINGS) : rng.pick(HOSTILE_VALUES);
  if (rng.chance(0.2) && !Array.isArray(parent)) (parent as Json).__PROTO__ = { polluted: true };
  return value;
}

/** JSON text with the markers turned into what JSON.stringify cannot write. */
export function serialise(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('"__PROTO__"', '"__proto__"')
    .replaceAll('"__DEEP__"', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
}
