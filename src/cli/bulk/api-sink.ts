/**
 * Batches written through a running server's HTTP API (`--api URL --key KEY`): the way to load
 * into a live service, whose write path, index and caches stay its own. Uses the documented PUT
 * routes within their limits (MAX_BATCH items; a 413 splits the batch in two), waits as told on
 * 429 (`Retry-After`, else the IETF `RateLimit` header's `t`) and before the next request when
 * `RateLimit` says none remain, retries a few times on a 5xx or a dropped connection, and maps
 * a refused batch's per-item results (422) or field errors (400, `items.<k>.<field>`) back to
 * the records they concern.
 *
 * Relative image paths name files beside the input (under `--images`), which the server cannot
 * see: they are read here under the same rules as the server's (inside the folder, no links,
 * must decode) and sent as data: URLs.
 */
import { AppError } from '../../errors.js';
import { loadImage } from '../../ingest/image-source.js';
import { MAX_BATCH } from '../../http/schemas.js';
import { indicesByCreator, outcomeOf, problemsOf, type Kind, type Outcome, type Sink } from './kinds.js';
import type { ItemResult } from '../../ingest/item-result.js';

export interface ApiSinkOptions {
  base: string;
  key: string;
  /** Waits (tests replace it); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Told about each wait, so a slow load says why. */
  onWait?: (seconds: number, why: string) => void;
}

/** Retries of a dropped connection or a 5xx (waits 1, 2, 4 s): a wrong URL fails in seconds, a restart is ridden out. */
const RETRIES = 3;
const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds to wait from a response's Retry-After or RateLimit (draft-8: `"default";r=0;t=12`) header. */
export function waitSeconds(headers: Headers, onlyWhenExhausted: boolean): number | undefined {
  const limit = headers.get('ratelimit');
  const r = limit ? /\br=(\d+)/.exec(limit)?.[1] : undefined;
  const t = limit ? /\bt=(\d+)/.exec(limit)?.[1] : undefined;
  if (onlyWhenExhausted) return r === '0' && t !== undefined ? Number(t) : undefined;
  const after = headers.get('retry-after');
  if (after && /^\d+$/.test(after.trim())) return Number(after);
  if (after && !Number.isNaN(Date.parse(after))) return Math.max(0, Math.ceil((Date.parse(after) - Date.now()) / 1000));
  return t !== undefined ? Number(t) : 1;
}

export function apiSink(o: ApiSinkOptions): Sink {
  const sleep = o.sleep ?? sleeper;
  const base = o.base.replace(/\/+$/, '');
  /** A relative image path becomes a data: URL; data: and http(s) refs go as they are. */
  async function inline(record: unknown, imagesDir: string): Promise<unknown> {
    const image = (record as { image?: unknown } | null)?.image;
    if (typeof image !== 'string' || image.startsWith('data:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(image)) return record;
    const { bytes, contentType } = await loadImage(image, { worldDir: imagesDir, allowedImageHosts: [] });
    return { ...(record as object), image: `data:${contentType};base64,${bytes.toString('base64')}` };
  }

  async function put(path: string, items: unknown[]): Promise<Outcome[]> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        });
      } catch (cause) {
        if (attempt >= RETRIES) throw new AppError('CONFIG_INVALID', `--api ${base} did not answer (is the server running there?): ${(cause as Error).message}`, undefined, { cause });
        await sleep(1000 * 2 ** attempt);
        continue;
      }
      const body = (await res.json().catch(() => undefined)) as
        | { results?: ItemResult[]; error?: { code: string; message: string; details?: Array<{ path: string; message: string }> } }
        | undefined;
      if (res.status === 429) {
        const s = waitSeconds(res.headers, false)!;
        o.onWait?.(s, 'rate limited (429)');
        await sleep(s * 1000);
        continue;
      }
      if (res.status >= 500 && attempt < RETRIES) {
        await sleep(1000 * 2 ** attempt);
        continue;
      }
      if (res.status === 413 && items.length > 1) {
        const half = Math.ceil(items.length / 2);
        return [...(await put(path, items.slice(0, half))), ...(await put(path, items.slice(half)))];
      }
      const exhausted = waitSeconds(res.headers, true);
      if (exhausted) {
        o.onWait?.(exhausted, 'rate limit reached');
        await sleep(exhausted * 1000);
      }
      if (res.status === 202) {
        throw new AppError('CONFIG_INVALID', `${base} queued the batch as a job: use a --batch below its JOB_MIN_ITEMS so every batch is answered with its results.`);
      }
      // 200, or 422 BATCH_REJECTED: every item's result.
      if (Array.isArray(body?.results) && body.results.length === items.length) return body.results.map(outcomeOf);
      const error = body?.error;
      if (res.status === 401 || res.status === 403 || res.status >= 500 || !error) {
        const code = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 403 ? 'FORBIDDEN' : 'INTERNAL';
        throw new AppError(code, `${base} answered ${res.status} to PUT ${path}: ${error ? `${error.code}: ${error.message}` : 'no usable body'}`);
      }
      // A 4xx for the whole batch: field errors name items by index; the rest concern every item.
      const perItem: Outcome[] = items.map(() => ({ ok: false, problems: [] }));
      const general: Array<{ field: string; message: string }> = [];
      for (const d of error.details ?? []) {
        const m = /^items\.(\d+)(?:\.(.+))?$/.exec(d.path);
        const target = m ? perItem[Number(m[1])] : undefined;
        if (target && !target.ok) target.problems.push({ field: m![2] ?? '(record)', message: d.message });
        else general.push({ field: d.path || error.code, message: d.message });
      }
      if (general.length === 0 && (error.details ?? []).length === 0) {
        // The one whole-batch 404: PUT /v1/creators/:id/posts for a creator the server does not have.
        if (res.status === 404 && path.endsWith('/posts')) general.push({ field: 'creatorId', message: error.message });
        else general.push(...problemsOf(error.code, error.message));
      }
      return perItem.map((p) => (p.ok || p.problems.length > 0 ? p : { ok: false, problems: general.length ? general : [{ field: error.code, message: error.message }] }));
    }
  }

  async function send(path: string, records: unknown[], imagesDir: string): Promise<Outcome[]> {
    const out: Outcome[] = new Array(records.length);
    const ready: Array<{ k: number; item: unknown }> = [];
    for (const [k, r] of records.entries()) {
      try {
        ready.push({ k, item: await inline(r, imagesDir) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out[k] = { ok: false, problems: [{ field: 'image', message: err.message }] };
      }
    }
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      const part = ready.slice(i, i + MAX_BATCH);
      (await put(path, part.map((p) => p.item))).forEach((o, j) => (out[part[j]!.k] = o));
    }
    return out;
  }

  return {
    async write(kind: Kind, records: unknown[], { imagesDir }) {
      if (kind !== 'posts') return send(`/v1/${kind}`, records, imagesDir);
      const out: Outcome[] = new Array(records.length);
      const byCreator = indicesByCreator(records);
      for (const [owner, ks] of byCreator) {
        (await send(`/v1/creators/${encodeURIComponent(owner)}/posts`, ks.map((k) => records[k]), imagesDir)).forEach((o, i) => (out[ks[i]!] = o));
      }
      return out;
    },
    async flush() {},
    async close() {},
  };
}
