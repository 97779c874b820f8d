import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Builds the bundles the end-to-end tests spawn from the current source.
    globalSetup: ['test/global-setup.ts'],
    // Never write a golden that is missing or differs: the test fails instead.
    // Update goldens deliberately with `npx vitest run -u` and review the diff.
    update: 'none',
  },
});
