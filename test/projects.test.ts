import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_TESTS } from './projects.js';
import { ROOT } from './workers/build.js';

/** What an integration test reaches for: Redis, the queue, the compiled build, processes, a browser. */
const OUTSIDE = /inject\('redisUrl'\)|from 'bullmq'|from 'ioredis'|ensureBuilt|\/build\.js'|\/helpers\.js'|node:child_process|threadForecaster|playwright-core/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [relative(ROOT, join(dir, e.name))] : [],
  );
}

/** A glob of test/projects.ts as a regular expression (`**` any folders, `*` within a name). */
function globRegex(glob: string): RegExp {
  const body = glob
    .split('**/')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('(?:[^/]+/)*');
  return new RegExp(`^${body}$`);
}

describe('test projects', () => {
  const integration = INTEGRATION_TESTS.map(globRegex);
  const files = testFiles(join(ROOT, 'test')).filter((f) => f !== 'test/projects.test.ts'); // this file names the markers
  const isIntegration = (f: string) => integration.some((r) => r.test(f));

  it('reads the globs as vitest does', () => {
    expect(globRegex('test/browser/**/*.test.ts').test('test/browser/report.test.ts')).toBe(true);
    expect(globRegex('test/browser/**/*.test.ts').test('test/browser/a/b.test.ts')).toBe(true);
    expect(globRegex('test/bin/cli.test.ts').test('test/bin/cli.test.ts')).toBe(true);
    expect(globRegex('test/bin/cli.test.ts').test('test/bin/clixtest.ts')).toBe(false);
  });

  it('every integration entry names existing test files', () => {
    for (const r of integration) expect(files.some((f) => r.test(f)), String(r)).toBe(true);
  });

  it('no unit test needs Redis, the build, a process or a browser', () => {
    const misplaced = files.filter((f) => !isIntegration(f) && OUTSIDE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(misplaced, 'add these to INTEGRATION_TESTS in test/projects.ts').toEqual([]);
  });
});
