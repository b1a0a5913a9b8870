import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'tests/unit/**/*.spec.ts'],
    environment: 'node',
    // A few specs build a seeded sql.js catalog or write megabytes of segments: about 1 s idle, but over the
    // 5 s default on a machine busy indexing (seen at load 14 on 2 cores). Nothing here waits on a timer.
    testTimeout: 30_000,
  },
});
