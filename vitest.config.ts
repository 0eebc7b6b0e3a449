import { defineConfig } from 'vitest/config';
import { INTEGRATION_TESTS } from './test/projects.js';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm test` runs both projects; `npm run test:unit` only the first (test/projects.ts)
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION_TESTS } },
      { extends: true, test: { name: 'integration', include: INTEGRATION_TESTS, globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
