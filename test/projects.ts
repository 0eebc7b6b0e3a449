/**
 * The two test projects (vitest.config.ts). Integration tests need something outside the
 * process: Redis, the browser, the compiled build (spawned CLI or worker processes, worker
 * threads loading dist/), or injected faults. Every other test file is a unit test: pure
 * TypeScript, no build, no Redis, run by `npm run test:unit`. `npm test` runs both.
 * test/projects.test.ts checks that no unit test reaches for Redis, dist/ or a browser.
 */
export const INTEGRATION_TESTS = [
  'test/browser/**/*.test.ts',
  'test/reliability/**/*.test.ts',
  'test/bin/cli.test.ts',
  'test/bin/exports-cli.test.ts',
  'test/bin/silent-store-cli.test.ts',
  'test/bin/orders-cli.test.ts',
  'test/bin/levels-cli.test.ts',
  'test/bin/operational-errors-cli.test.ts',
  'test/bin/qa-cli.test.ts',
  'test/bin/v8-flags.test.ts',
  'test/dashboard/local-redis.test.ts',
  'test/dashboard/serve.test.ts',
  'test/dashboard/server.test.ts',
  'test/pipelines/forecast/fit-threads.test.ts',
  'test/pipelines/forecast/pooled-runner.test.ts',
  'test/workers/job-context.test.ts',
  'test/workers/metrics.test.ts',
  'test/workers/retention.test.ts',
  'test/workers/run-flow.test.ts',
  'test/workers/run-levels-flow.test.ts',
  'test/workers/scheduler.test.ts',
  'test/workers/worker-processes.test.ts',
  'test/workers/fit-only-workers.test.ts',
  'test/workers/shop-prefix.test.ts',
  'test/workers/batch-feed.test.ts',
];
