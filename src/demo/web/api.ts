/**
 * The page's only way to the service: `/demo-api/*`, a server-side proxy that adds the demo's API
 * key (see `src/http/demo.ts`). The key never reaches the browser, so nothing here knows it.
 */
import type { ConsentState, CreatorDetail, Purpose, Recommendations, SearchResult, Shopper } from './types.js';

/** A failed call, carrying the service's error code and its human-readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/demo-api${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The demo server did not answer. Is it still running?');
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // A non-JSON answer (a proxy error page, say) still becomes a readable error below.
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: Array<{ path: string; message: string }> } })?.error;
    const details = err?.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
    const message = err?.message ?? `The server answered ${res.status} ${res.statusText}.`;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, details ? `${message} (${details})` : message);
  }
  return json as T;
}

/** Every page of a list: lists come back as `{ items, next }` and `next` is the cursor of the next page. */
async function allPages<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; next: string | null } = await call('GET', `${path}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

export const api = {
  shoppers(): Promise<Shopper[]> {
    return allPages<Shopper>('/v1/users');
  },
  shopper(id: string): Promise<Shopper> {
    return call('GET', `/v1/users/${encodeURIComponent(id)}`);
  },
  creator(id: string): Promise<CreatorDetail> {
    return call('GET', `/v1/creators/${encodeURIComponent(id)}`);
  },
  recommendations(id: string, params: { limit: number; diversity: number }): Promise<Recommendations> {
    const q = new URLSearchParams({ limit: String(params.limit), diversity: String(params.diversity) });
    return call('GET', `/v1/users/${encodeURIComponent(id)}/recommendations?${q}`);
  },
  consents(id: string): Promise<ConsentState> {
    return call('GET', `/v1/users/${encodeURIComponent(id)}/consents`);
  },
  setConsent(id: string, purpose: Purpose, granted: boolean): Promise<unknown> {
    return call('PUT', `/v1/users/${encodeURIComponent(id)}/consents`, {
      events: [{ purpose, granted, source: 'demo-page' }],
    });
  },
  search(body: {
    text?: string;
    image?: string;
    limit?: number;
    positive?: Array<{ productId: string }>;
    negative?: Array<{ productId: string }>;
  }): Promise<SearchResult> {
    return call('POST', '/v1/search', body);
  },
};
