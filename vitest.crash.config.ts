import { defineConfig } from 'vitest/config';

// The crash test (test/crash): a real server process killed with SIGKILL inside product batches
// and restarted 17 times (16 kills). Kept apart from `npm test` (vitest.config.ts excludes test/crash)
// because it takes minutes on two cores; `npm run test:crash` runs it.
export default defineConfig({
  test: {
    include: ['test/crash/**/*.test.ts'],
    // The bound on its duration: 4-5 min on the shared 2-core machine, so 10 min means a hang.
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
