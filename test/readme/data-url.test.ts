/**
 * examples/data-url.mjs: the data URL carries the file's exact bytes under the type its first bytes
 * say, the committed examples/post.json is exactly what the script builds (so the README's post is
 * a real image, not a placeholder, and cannot drift from the script), and a file that is not an
 * image is refused with a message rather than sent to the server.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Post } from '../../src/domain/creators.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const script = (...args: string[]) => execFileSync('node', ['examples/data-url.mjs', ...args], { cwd: ROOT, encoding: 'utf8' });

/** The command that built examples/post.json (also in examples/README.md). */
const POST_ARGS = [
  'fixtures/images/posts/post00081.jpg', '--post', 'c-example-p1',
  '--caption', 'yellow zigzag muffler, olive boots, earthy layers #boho #flatlay',
  '--posted-at', '2026-05-01T10:00:00Z', '--categories', 'scarf,cushion,boots',
  '--likes', '120', '--comments', '8', '--saves', '15',
];

describe('examples/data-url.mjs', () => {
  it('prints a data URL of the exact bytes, typed by content', () => {
    const url = script('fixtures/images/posts/post00081.jpg').trim();
    const m = /^data:(image\/jpeg);base64,([A-Za-z0-9+/=]+)$/.exec(url);
    expect(m?.[1]).toBe('image/jpeg');
    expect(Buffer.from(m![2]!, 'base64').equals(readFileSync(join(ROOT, 'fixtures/images/posts/post00081.jpg')))).toBe(true);
  });

  it('built the committed examples/post.json, a post the API schema accepts', () => {
    const built = script(...POST_ARGS);
    expect(built).toBe(readFileSync(join(ROOT, 'examples/post.json'), 'utf8'));
    const { items } = JSON.parse(built) as { items: unknown[] };
    expect(items).toHaveLength(1);
    expect(Post.safeParse({ ...(items[0] as object), creatorId: 'c-example' }).success).toBe(true);
  });

  it('refuses a file that is not a JPEG, PNG, WebP or GIF, and a bad count, with exit 2 and a reason', () => {
    const notImage = spawnSync('node', ['examples/data-url.mjs', 'README.md'], { cwd: ROOT, encoding: 'utf8' });
    expect(notImage.status).toBe(2);
    expect(notImage.stderr).toContain('README.md is not a JPEG, PNG, WebP or GIF image');
    const badCount = spawnSync('node', ['examples/data-url.mjs', POST_ARGS[0]!, '--post', 'x', '--likes', 'many'], { cwd: ROOT, encoding: 'utf8' });
    expect(badCount.status).toBe(2);
    expect(badCount.stderr).toContain('--likes must be a whole number');
  });
});
