import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit tests (pure parsers, fixture trees; run in parallel) and integration tests that
 * put real pressure on this machine's kernel (stress-ng, conntrack, cgroups, namespaces). Those run one
 * file at a time, since two of them at once would measure each other.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
