/**
 * CSV rows → the API's JSON records, by the conventions `npm run ingest` documents (README "Bulk
 * load"): the header row names the API's fields; a nested field is a dotted header
 * (`engagement.likes`, `optIns.styleSource`, `settings.tag`); an empty cell is an absent field; a
 * cell for a number field is coerced to a number and one for a boolean field from `true`/`false`;
 * a list-valued field (a post's `categories`, a creator's `aesthetics`) is `|`-separated.
 *
 * Which field is a number, a boolean or a list is read from the API's own zod schema, so the CSV
 * side never drifts from what the API accepts. A cell that does not coerce is passed on as the
 * text it was, so the schema's own message names the field ("price: expected number, received
 * string"); a header the schema does not know is passed on too, and refused by name like in the API.
 */
import { z } from 'zod';

type Kind = 'number' | 'boolean' | 'list' | 'text';

/** The schema under optional/nullable/default/pipe wrappers. */
function core(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else break;
  }
  return s;
}

/** The kind of the field at `path` (["engagement", "likes"]) of an object schema. */
function kindAt(schema: z.ZodType, path: string[]): Kind {
  let s = core(schema);
  for (const key of path) {
    if (s instanceof z.ZodObject) {
      const next = (s.shape as Record<string, z.ZodType>)[key];
      if (!next) return 'text';
      s = core(next);
    } else if (s instanceof z.ZodRecord) s = core(s.valueType as z.ZodType);
    else return 'text';
  }
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodArray) return 'list';
  return 'text';
}

function coerce(cell: string, kind: Kind): unknown {
  if (kind === 'number') {
    const n = Number(cell.trim());
    return cell.trim() !== '' && Number.isFinite(n) ? n : cell;
  }
  if (kind === 'boolean') {
    const t = cell.trim().toLowerCase();
    return t === 'true' ? true : t === 'false' ? false : cell;
  }
  if (kind === 'list') return cell.split('|').map((v) => v.trim()).filter((v) => v !== '');
  return cell;
}

/** A converter from a CSV row (header → cell) to the JSON record the API would take. */
export function csvRecordBuilder(schema: z.ZodType): (row: Record<string, string>) => Record<string, unknown> {
  const kinds = new Map<string, Kind>();
  const kindOf = (header: string) => {
    let k = kinds.get(header);
    if (!k) kinds.set(header, (k = kindAt(schema, header.split('.'))));
    return k;
  };
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [header, cell] of Object.entries(row)) {
      if (cell === '' || header === '') continue; // empty cell: the field is absent
      const path = header.split('.');
      let at = out;
      for (const key of path.slice(0, -1)) {
        const next = at[key];
        at = (typeof next === 'object' && next !== null ? next : (at[key] = {})) as Record<string, unknown>;
      }
      at[path.at(-1)!] = coerce(cell, kindOf(header));
    }
    return out;
  };
}
