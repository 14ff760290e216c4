import { defineConfig } from 'vitest/config';

// The crash test (test/crash): a real server process killed with SIGKILL inside product batches
// and restarted ~17 times. Kept apart from `npm test` (vitest.config.ts excludes test/crash)
// because it takes minutes on two cores; `npm run test:crash` runs it.
export default defineConfig({
  test: {
    include: ['test/crash/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 60_000,
  },
});
