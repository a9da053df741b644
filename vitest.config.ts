import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real brokers and fsyncs on a 2-core machine: two files at a time keeps timings honest.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
