import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One folder per run for the home templates tests copy (test/helpers/home-templates.ts).
    globalSetup: ['test/helpers/home-templates-setup.ts'],
  },
});
