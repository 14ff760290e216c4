/**
 * The demo's stand-in for a merchant site. In demo mode the redirect (`GET /r/:token`) lands here
 * instead of on the real network, so stakeholders can see the final tagged URL and its affiliate
 * parameters without leaving the machine. Pure functions, no Express: the redirect code may import
 * `demoMerchantPath` without pulling in the HTTP layer.
 */

/** Where the demo sends a shopper instead of `finalUrl`; the URL itself is still built server-side. */
export function demoMerchantPath(finalUrl: string): string {
  return `/demo-merchant?target=${encodeURIComponent(finalUrl)}`;
}

/** What each affiliate network's parameters mean, so the page can label them for a non-engineer. */
const PARAM_MEANINGS: Record<string, string> = {
  tag: 'Amazon Associates tracking id (who gets the commission)',
  subId1: 'Impact sub-id: the opaque code of the creator who inspired the pick',
  u1: 'Rakuten sub-id: the opaque creator code',
  murl: 'Rakuten: the merchant page the shopper lands on',
  mid: 'Rakuten: merchant id',
  id: 'Rakuten: publisher id',
  sid: 'CJ shopper/sub-id: the opaque creator code',
  url: 'CJ: the merchant page the shopper lands on',
  utm_source: 'UTM: traffic source',
  utm_medium: 'UTM: marketing medium',
  utm_campaign: 'UTM: campaign',
  utm_content: 'UTM: content / creator code',
  subid: 'Generic sub-id: the opaque creator code',
};

/** The affiliate parameters of a tagged URL, in order, each with a plain-words meaning when known. */
export function affiliateParams(url: URL): Array<{ name: string; value: string; meaning: string | null }> {
  return [...url.searchParams].map(([name, value]) => ({ name, value, meaning: PARAM_MEANINGS[name] ?? null }));
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/demo/merchant.css"></head>
<body><main class="merchant">${body}</main></body></html>`;
}

/**
 * Renders the merchant page for `target` (the query value). Returns status 400 and an explanation
 * for anything that is not an absolute http(s) URL. The page never links to or fetches the target:
 * it only shows it.
 */
export function renderMerchantPage(target: unknown): { status: number; html: string } {
  let url: URL | null = null;
  try {
    if (typeof target === 'string') url = new URL(target);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return {
      status: 400,
      html: page('Demo merchant: no link', `<h1>No tagged link to show</h1>
<p>This page shows the link a paid "Buy" button resolved to. Open it from a Buy button on the <a href="/">demo page</a>.</p>`),
    };
  }
  const rows = affiliateParams(url)
    .map(
      (p) => `<tr data-param="${escapeHtml(p.name)}"><th scope="row"><code>${escapeHtml(p.name)}</code></th>
<td><code data-testid="param-value">${escapeHtml(p.value)}</code></td><td>${p.meaning ? escapeHtml(p.meaning) : '<span class="muted">—</span>'}</td></tr>`,
    )
    .join('\n');
  const body = `<p class="eyebrow">Demo merchant · ${escapeHtml(url.hostname)}</p>
<h1>You would now be at the shop</h1>
<p class="lead">In production this click lands on the merchant through the affiliate network. The demo stops here so you can see how the sale is attributed.</p>
<section class="box"><h2>Final tagged URL</h2><p class="url" data-testid="merchant-url">${escapeHtml(url.href)}</p></section>
<section class="box"><h2>Affiliate parameters</h2>
${rows ? `<table><thead><tr><th scope="col">Parameter</th><th scope="col">Value</th><th scope="col">What it does</th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">This link carries no query parameters.</p>'}
<p class="muted small">Creator codes are opaque: networks never receive a creator's handle, name or e-mail.</p></section>
<p><a class="btn" href="/">Back to the demo</a></p>`;
  return { status: 200, html: page(`Demo merchant: ${url.hostname}`, body) };
}
