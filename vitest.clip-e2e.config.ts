import { defineConfig } from 'vitest/config';

// The real server on a real-CLIP-shaped folder (test/clip/service-e2e.test.ts): four server starts and
// two 200-product ingests through ViT-B/32-shaped towers, minutes on two cores, so it runs via
// `npm run test:clip-e2e` (and .ci/run), not `npm test`. Skipped with a message without
// ../shared/clip-reference.
export default defineConfig({
  test: {
    include: ['test/clip/service-e2e.test.ts'],
    // The steps share one DATA_DIR and run in order; each starts its own server process.
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
