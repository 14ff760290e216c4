#!/usr/bin/env node
/**
 * Turns an image file into a `data:` URL, or into the body of `PUT /v1/creators/:id/posts` with
 * that image, so a post (or a search by image) can be sent with curl without hosting the image.
 * Plain Node (20+), no dependency: run it from anywhere with `node examples/data-url.mjs`.
 *
 *   node examples/data-url.mjs fixtures/images/posts/post00081.jpg            # prints data:image/jpeg;base64,...
 *   node examples/data-url.mjs photo.png --post my-post-1 --caption "linen #boho" \
 *     [--posted-at 2026-05-01T10:00:00Z] [--categories scarf,boots] [--likes 10 --comments 1 --saves 2]
 *                                                                            # prints {"items":[{...}]}
 *
 * The media type comes from the file's first bytes, not its name: the service decodes the image
 * and refuses anything that is not a JPEG, PNG, WebP or GIF, so a wrong label would only move the
 * error to the server. `examples/post.json` is this script's output (test/readme checks it).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The formats the service accepts, by their magic bytes. */
function mediaType(bytes) {
  const ascii = (from, to) => bytes.subarray(from, to).toString('latin1');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  return undefined;
}

function fail(message) {
  process.stderr.write(`data-url: ${message}\n`);
  process.exit(2);
}

const count = (name, value) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number ≥ 0, got "${value}"`);
  return n;
};

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      post: { type: 'string' },
      caption: { type: 'string', default: '' },
      'posted-at': { type: 'string' },
      categories: { type: 'string' },
      likes: { type: 'string', default: '0' },
      comments: { type: 'string', default: '0' },
      saves: { type: 'string', default: '0' },
    },
  });
} catch (err) {
  fail(err.message);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) fail('usage: node examples/data-url.mjs IMAGE [--post ID --caption TEXT ...] (one image file)');

let bytes;
try {
  bytes = readFileSync(positionals[0]);
} catch (err) {
  fail(`cannot read ${positionals[0]}: ${err.code ?? err.message}`);
}
const type = mediaType(bytes);
if (!type) fail(`${positionals[0]} is not a JPEG, PNG, WebP or GIF image (the formats the service accepts)`);
const dataUrl = `data:${type};base64,${bytes.toString('base64')}`;

if (values.post === undefined) {
  process.stdout.write(`${dataUrl}\n`);
} else {
  const postedAt = values['posted-at'] ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(postedAt))) fail(`--posted-at must be an ISO date-time, got "${postedAt}"`);
  const post = {
    id: values.post,
    image: dataUrl,
    caption: values.caption,
    postedAt,
    engagement: { likes: count('likes', values.likes), comments: count('comments', values.comments), saves: count('saves', values.saves) },
    ...(values.categories ? { categories: values.categories.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
  };
  process.stdout.write(`${JSON.stringify({ items: [post] }, null, 2)}\n`);
}
