import { defineConfig } from 'vitest/config';

// Unit, service and model tests. Browser tests live in test/e2e and run via `npm run test:e2e`
// (vitest.e2e.config.ts) because they need Debian's chromium; the crash test (test/crash, minutes
// of real kill -9 and restarts) runs via `npm run test:crash` (vitest.crash.config.ts), and the real
// server on a CLIP-shaped folder (minutes) via `npm run test:clip-e2e` (vitest.clip-e2e.config.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/crash/**', 'test/clip/service-e2e.test.ts', 'node_modules/**'],
    // Real-model tests load ONNX sessions; a generous default keeps a loaded CI machine green.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores: more workers than that only adds contention.
    maxWorkers: 2,
  },
});
