import { defineConfig } from 'vitest/config';

/**
 * L0 unit (`*.test.ts`) and L1 property/sim (`*.prop.test.ts`) tests, plus the control-plane
 * integration tests (`*.cp.test.ts`). Lab (`*.lab.test.ts`) and cluster (`*.cluster.test.ts`)
 * layers run from `make e2e` with their own config.
 */
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.lab.test.ts', '**/*.cluster.test.ts'],
    reporters: ['default', './harness/testing/closing-line-reporter.ts'],
    testTimeout: 20_000,
    retry: 0,
  },
});
