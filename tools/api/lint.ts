/**
 * `npm run lint:openapi`: lints the OpenAPI document the service serves (default config) with a
 * real linter, Redocly CLI's recommended rules (`redocly.yaml`). It must give 0 errors; each
 * warning it may give is listed in EXPLAINED with why it stays, and any other warning fails too.
 * Offline: telemetry and the update check are switched off.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openApiDocument } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Warnings that stay, by rule and JSON pointer, and why. */
export const EXPLAINED: Record<string, string> = {
  'info-license#/info': 'A private prototype: no licence has been chosen, and the document must not invent one.',
  'no-server-example.com#/servers/0/url': 'The default PUBLIC_BASE_URL is http://localhost:3000 (the quick start); a deployment sets its own.',
  'operation-2xx-response#/paths/~1r~1{token}/get/responses': 'GET /r/:token is a redirect: its success is 302, by design there is no 2xx.',
};

export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  pointer: string;
  explained?: string;
}

export async function lintOpenApi(doc: unknown = openApiDocument(loadConfig({}))): Promise<LintProblem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 1));
    const bin = join(ROOT, 'node_modules/.bin/redocly');
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    // redocly exits 1 when there are errors; its JSON report is on stdout either way.
    const { stdout } = await promisify(execFile)(bin, ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'], { env, maxBuffer: 64 << 20 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
    const report = JSON.parse(stdout) as { problems: Array<{ ruleId: string; severity: 'error' | 'warn'; message: string; location: Array<{ pointer: string }> }> };
    return report.problems.map((p) => {
      const pointer = p.location[0]?.pointer.replace(/^#/, '') ?? '';
      const explained = EXPLAINED[`${p.ruleId}#${pointer}`];
      return { ruleId: p.ruleId, severity: p.severity, message: p.message, pointer, ...(explained ? { explained } : {}) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const problems = await lintOpenApi();
  for (const p of problems) console.log(`${p.severity} ${p.ruleId} ${p.pointer}: ${p.message}${p.explained ? `\n  explained: ${p.explained}` : ''}`);
  const failing = problems.filter((p) => p.severity === 'error' || !p.explained);
  console.log(`${problems.filter((p) => p.severity === 'error').length} errors, ${problems.filter((p) => p.severity === 'warn').length} warnings (${failing.length} not explained)`);
  return failing.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.exitCode = await main();
