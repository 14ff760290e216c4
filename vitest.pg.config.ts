import { defineConfig } from 'vitest/config';

// The PostgreSQL half of the contract: the service-level suites (every write command, the HTTP
// API, consent, the randomized consistency test) re-run with TEST_BACKEND=postgres, so
// test/helpers/service.ts builds each service on a fresh schema of TEST_DATABASE_URL. Plus the
// PostgreSQL-only suites (test/pg/: replicas, workers, pgvector plans). `npm run test:pg`.
// Files that check SQLite files on disk are left out (they have PostgreSQL counterparts).
export default defineConfig({
  test: {
    include: ['test/store/**/*.test.ts', 'test/core/**/*.test.ts', 'test/http/**/*.test.ts', 'test/consent/**/*.test.ts', 'test/affiliate/redirect.test.ts', 'test/affiliate/click-trust.test.ts', 'test/demo/demo-proxy.test.ts', 'test/service/recommend.test.ts', 'test/service/response-cache.test.ts', 'test/service/profile.test.ts', 'test/pg/**/*.test.ts'],
    // erasure-files.test.ts reads SQLite's store.db/WAL bytes: on PostgreSQL it would find no files and pass vacuously.
    // restart-recovery.test.ts edits store.db, the index files and the media folder behind a stopped
    // service: on PostgreSQL the index is never persisted (rebuilt at start) and media recovery is
    // test/pg/pg-media.test.ts.
    exclude: ['test/store/sqlite-store.test.ts', 'test/store/erasure-files.test.ts', 'test/core/restart-recovery.test.ts', 'node_modules/**'],
    env: { TEST_BACKEND: 'postgres' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: 2,
  },
});
