/**
 * The README test's rules on small Markdown samples (no server): which blocks are found, which
 * markers count, what an unmarked block may not do, and that the runner fails a block on an HTTP
 * error, so the README test can fail for each reason it exists.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { blockProblems, extractShellBlocks, simpleCommands } from './blocks.js';
import { runBlock } from './run-block.js';

const md = (...lines: string[]) => lines.join('\n');

describe('extractShellBlocks', () => {
  it('finds sh, bash and shell blocks in order with their line and marker, and skips other languages', () => {
    const { blocks, problems } = extractShellBlocks(
      md(
        '# t', '```sh', 'echo one', '```', '```ts', 'const x = 1;', '```',
        '<!-- example: not run (starts the server) -->', '', '```bash', 'npm start', '```',
        '~~~shell', 'echo ```', '~~~',
        '```` ```sh ```` is inline code, not a fence', '```sh', 'echo two', '```',
      ),
    );
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      { line: 2, lang: 'sh', code: 'echo one', notRun: undefined },
      { line: 10, lang: 'bash', code: 'npm start', notRun: 'starts the server' },
      { line: 13, lang: 'shell', code: 'echo ```', notRun: undefined },
      { line: 17, lang: 'sh', code: 'echo two', notRun: undefined },
    ]);
  });

  it('refuses a marker without a reason, a misspelt one, and one that stands before no shell block', () => {
    const { problems } = extractShellBlocks(
      md(
        '<!-- example: not run -->', '```sh', 'npm start', '```',
        '<!-- example: not run () -->', '```sh', 'npm start', '```',
        '<!-- example: skip (why) -->', '```sh', 'true', '```',
        '<!-- example: not run (why) -->', 'some prose', '```sh', 'true', '```',
        '<!-- example: not run (why) -->', '```ts', 'x', '```',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^line 1: .* with a reason/),
      expect.stringMatching(/^line 5: .* with a reason/),
      expect.stringMatching(/^line 9: .* with a reason/),
      'line 13: the example marker stands before no shell block',
      'line 18: the example marker stands before a ts block, not a shell block',
    ]);
  });
});

describe('blockProblems', () => {
  const block = (code: string, notRun?: string) => ({ line: 7, lang: 'sh', code, notRun });

  it('an unmarked block may not install, start the server, run a suite or a benchmark', () => {
    for (const cmd of ['npm install', 'npm start', 'npm test', 'npm run test:e2e', 'npm run bench:api', 'sudo scripts/x.sh', 'DEMO=true npm start   # comment'])
      expect(blockProblems(block(cmd)), cmd).toEqual([expect.stringContaining('mark the block')]);
    expect(blockProblems(block('npm start', 'starts the server'))).toEqual([]);
    expect(blockProblems(block('npm run ingest -- x && npm run eval -- --k 5'))).toEqual([]);
  });

  it('every curl must fail on an HTTP error (-f or --fail), wherever it sits in the line', () => {
    expect(blockProblems(block('curl -s "$H/health" | jq .'))).toEqual([expect.stringContaining('needs -f')]);
    expect(blockProblems(block('x=$(curl -s "$H/a")'))).toEqual([expect.stringContaining('needs -f')]);
    expect(blockProblems(block('curl -fsS -i "$H$(curl -s -H "$A" "$H/a" | jq -r .u)"'))).toEqual([expect.stringContaining('"curl -s -H')]);
    expect(blockProblems(block('node x.mjs --caption "a #tag | b" | curl -s -d @- "$H/a"'))).toEqual([expect.stringContaining('needs -f')]);
    for (const ok of ['curl -fsS "$H/a"', 'curl -sSf -i "$H/a"', 'curl --fail "$H/a"', "curl -fsS -H \"$A\" \\\n  -d '{\"a\":\"-f\"}' \"$H/a\""])
      expect(blockProblems(block(ok)), ok).toEqual([]);
  });

  it('splits commands at pipes, lists and substitutions, not inside quotes or at escaped line ends', () => {
    expect(simpleCommands('A=1 curl -fsS "$H/x?a=1|2" | jq \'.a | .b\' # c | d\nB=$(echo "x;y") && \\\n  echo done')).toEqual([
      'curl -fsS "$H/x?a=1|2"', "jq '.a | .b'", 'echo "x;y"', 'echo done',
    ]);
    // A substitution inside double quotes is split out too, so the curl in it is checked.
    expect(simpleCommands('curl -fsS -i "$H$(curl -s -H "$A" "$H/a" | jq -r \'.u\')" && echo ok')).toEqual([
      'curl -fsS -i "$H', 'curl -s -H "$A" "$H/a"', "jq -r '.u'", '"', 'echo ok',
    ]);
  });
});

describe('runBlock', () => {
  it('fails a block whose curl -f gets an HTTP error, and one that fails midway (set -e)', async () => {
    const server = createServer((req, res) => res.writeHead(req.url === '/ok' ? 200 : 404).end('body'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const env = { H: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    try {
      const o = { cwd: process.cwd(), env, timeoutMs: 20_000 };
      expect((await runBlock('curl -fsS "$H/ok"', o)).code).toBe(0);
      expect((await runBlock('curl -fsS "$H/missing"', o)).code).not.toBe(0);
      expect((await runBlock('false\necho never', o)).stdout).toBe('');
      expect((await runBlock('curl -fsS "$H/missing" | cat', o)).code).not.toBe(0);
    } finally {
      server.close();
    }
  });

  it('ends a block that holds its terminal, with what it started', async () => {
    const run = await runBlock('sleep 30 & wait', { cwd: process.cwd(), env: {}, timeoutMs: 300 });
    expect(run.timedOut).toBe(true);
  });
});
