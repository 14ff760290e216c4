/**
 * Which requests to `/r/:token` are obviously not a shopper clicking: crawlers, link checkers,
 * unfurlers (chat apps fetch a link to show its preview) and HTTP libraries no browser sends.
 * They are still redirected, but never counted, so click reports and commissions can be trusted.
 * A missing User-Agent is not treated as a bot. The README lists the same words.
 *
 * Matched case-insensitively: a word ending in "bot" (Googlebot, bingbot, Twitterbot, Slackbot...),
 * anything containing "crawl", "spider" or "slurp", or one of the whole words in `BOT_AGENT_WORDS`.
 */
export const BOT_AGENT_WORDS = [
  'preview', 'facebookexternalhit', 'embedly', 'whatsapp', 'headlesschrome', 'curl', 'wget',
  'python-requests', 'python-urllib', 'aiohttp', 'go-http-client', 'okhttp', 'java', 'libwww-perl',
  'scrapy', 'httpclient', 'axios', 'node-fetch', 'undici',
] as const;

const BOT_AGENT = new RegExp(`bot\\b|crawl|spider|slurp|\\b(?:${BOT_AGENT_WORDS.join('|')})\\b`, 'i');

/** True when the User-Agent is on the documented bot list. */
export function isBotAgent(userAgent: string | undefined): boolean {
  return userAgent !== undefined && BOT_AGENT.test(userAgent);
}
