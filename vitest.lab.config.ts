import { defineConfig } from 'vitest/config';

/**
 * L2 lab tests (`*.lab.test.ts`): network namespaces, veth bridges, real processes; need root.
 * One fork, one file at a time (the tests create and tear down kernel objects and time real
 * failovers on a 2-core machine), long timeouts. `make e2e` builds on this.
 */
export default defineConfig({
  test: {
    include: ['harness/**/*.lab.test.ts', 'scenarios/**/*.lab.test.ts'],
    exclude: ['**/node_modules/**'],
    reporters: ['default', './harness/testing/closing-line-reporter.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    retry: 0,
  },
});
