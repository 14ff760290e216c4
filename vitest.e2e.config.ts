import { defineConfig } from 'vitest/config';

// Real-browser tests (Debian chromium + playwright-core) against the real server. Kept apart from
// `npm test` (vitest.config.ts excludes test/e2e) because they need chromium and start a server.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    // One server, one browser: the tests in a file share them and run in order.
    fileParallelism: false,
    testTimeout: 120_000,
    // Starting the server ingests a world with the real model: generous on a loaded 2-core machine.
    hookTimeout: 600_000,
  },
});
