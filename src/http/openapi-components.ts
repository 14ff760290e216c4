/**
 * Named component schemas for the OpenAPI document, so a generated client gets
 * `components["schemas"]["RecommendationResponse"]` instead of anonymous inline types.
 *
 * Every request body and JSON response becomes a component: named after the zod schema's export
 * (`names`, e.g. every schema exported by `src/core/schemas.ts` and `src/domain/`), else after
 * its operation (`listShoppers` → `ListShoppersResponse`). Named schemas nested
 * inside others become `$ref`s too (zod 4's registry export does that). A schema reads differently
 * as input (defaults optional) and as output (defaults filled in), so the input side gets an
 * `...Input` component only where the two differ. Components no operation reaches are left out.
 */
import { z } from 'zod';

type Json = Record<string, unknown>;
const REF = '#/components/schemas/';

export interface ComponentUse {
  schema: z.ZodType;
  io: 'input' | 'output';
  /** Name when the schema has no export name. */
  fallback: string;
}

export interface Components {
  /** The `$ref` object that stands for a use. */
  ref(use: ComponentUse): Json;
  /** `components.schemas`, after every `ref` call. */
  schemas(): Record<string, Json>;
}

/** `names`: zod schemas by export name (non-schemas are skipped). */
export function createComponents(names: Record<string, unknown>): Components {
  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const taken = new Set<string>();
  for (const [name, value] of Object.entries(names)) {
    // An alias (`export const A = B`) keeps its first name: a schema is one component.
    if (!(value instanceof z.ZodType) || idOf.has(value) || taken.has(name)) continue;
    idOf.set(value, name);
    taken.add(name);
    registry.add(value, { id: name });
  }
  const used = { input: new Set<string>(), output: new Set<string>() };

  const idFor = (use: ComponentUse): string => {
    let id = idOf.get(use.schema);
    if (!id) {
      id = use.fallback;
      for (let n = 2; taken.has(id); n++) id = `${use.fallback}${n}`;
      idOf.set(use.schema, id);
      taken.add(id);
      registry.add(use.schema, { id });
    }
    used[use.io].add(id);
    return id;
  };
  // Placeholder refs, resolved in schemas(): whether an input needs its own component is known only then.
  const refs: Array<{ json: Json; id: string; io: 'input' | 'output' }> = [];

  return {
    ref(use) {
      const json: Json = {};
      refs.push({ json, id: idFor(use), io: use.io });
      return json;
    },
    schemas() {
      const convert = (io: 'input' | 'output', suffix: string) => {
        const out = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `${REF}${id}${suffix}` }).schemas as Record<string, Json>;
        return Object.fromEntries(Object.entries(out).map(([id, s]) => {
          const { $schema: _s, $id: _i, ...rest } = s;
          return [id, rest];
        }));
      };
      const output = convert('output', '');
      const input = convert('input', 'Input');
      // An input is "the same" when it matches the output with its refs read as output refs, and
      // every component it references is the same too (a fixpoint: drop ids until nothing changes).
      const plain = (s: Json) => JSON.stringify(s).replace(/(#\/components\/schemas\/[A-Za-z0-9_]+?)Input"/g, '$1"');
      const same = new Set(Object.keys(input).filter((id) => plain(input[id]) === JSON.stringify(output[id])));
      const refsIn = (s: Json) => [...JSON.stringify(s).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+?)Input"/g)].map((m) => m[1]);
      for (let changed = true; changed; ) {
        changed = false;
        for (const id of same) if (refsIn(input[id]).some((r) => !same.has(r))) (same.delete(id), (changed = true));
      }
      // Outputs first: an input needs the `Input` suffix only where an output took the plain name.
      const outputReached = new Set<string>();
      const reach = (id: string) => {
        if (outputReached.has(id) || !output[id]) return;
        outputReached.add(id);
        for (const m of JSON.stringify(output[id]).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) reach(m[1]);
      };
      for (const id of used.output) reach(id);
      const inputName = (id: string) => (same.has(id) || !outputReached.has(id) ? id : `${id}Input`);
      const rewrite = (s: Json): Json => JSON.parse(JSON.stringify(s).replace(/#\/components\/schemas\/([A-Za-z0-9_]+?)Input"/g, (_m, id: string) => `${REF}${inputName(id)}"`));

      const all: Record<string, Json> = {};
      const visit = (name: string, body: Json | undefined) => {
        if (all[name] || !body) return;
        all[name] = body;
        for (const m of JSON.stringify(body).matchAll(/#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) {
          const dep = m[1];
          if (outputReached.has(dep)) visit(dep, output[dep]);
          else if (dep.endsWith('Input') && outputReached.has(dep.slice(0, -5))) visit(dep, rewrite(input[dep.slice(0, -5)]));
          else visit(dep, same.has(dep) ? output[dep] : rewrite(input[dep]));
        }
      };
      for (const id of used.output) visit(id, output[id]);
      for (const id of used.input) visit(inputName(id), same.has(id) ? output[id] : rewrite(input[id]));
      for (const r of refs) r.json.$ref = `${REF}${r.io === 'input' ? inputName(r.id) : r.id}`;
      return Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}
