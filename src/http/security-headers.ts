/**
 * Security headers on EVERY response (API, errors, 404s, media, the demo page), set first thing so
 * no route can forget them. The default Content-Security-Policy is the strictest there is (nothing
 * may load, the document is sandboxed), which is right for JSON; the two kinds of response a
 * browser renders override it with their own: media (an image, sandboxed, nothing else) and the
 * demo's HTML pages (their own scripts, styles and images only). Hand-written rather than helmet:
 * eight fixed headers, three policies, one place.
 *
 * HSTS is left to the TLS-terminating proxy in front (the service itself speaks plain HTTP).
 */
import type { RequestHandler, Response } from 'express';

/** JSON and everything else no browser should render as a page. */
export const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

/** Served images: shown by a browser as an image, never able to run or load anything. */
export const MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/** The demo page and the demo merchant page: their own script, styles, images and API calls only. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HEADERS: Record<string, string> = {
  'content-security-policy': API_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
  'x-dns-prefetch-control': 'off',
};

const ENTRIES = Object.entries(HEADERS);

// setHeader, not res.set: the values are fixed strings, so Express's per-header checks are wasted.
export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of ENTRIES) res.setHeader(name, value);
  next();
};

/** For a response that is an image others may embed (`<img>` on a shop's own site). */
export function asMedia(res: Response): Response {
  return res.set({ 'content-security-policy': MEDIA_CSP, 'cross-origin-resource-policy': 'cross-origin' });
}

/** For the demo's HTML pages. */
export function asPage(res: Response): Response {
  return res.set('content-security-policy', PAGE_CSP);
}
