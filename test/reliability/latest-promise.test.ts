/**
 * `latest` only ever moves to a complete run, whatever stage of a later run fails: an unusable
 * input (stage 1, before a run id), every row rejected (validation), forecasting, publishing. A
 * run that fails with a run id is kept as `runs/<id>.failed` with its run.json (`failure`) and
 * rejected.csv, recorded as failed in the run history (`forecast history`) and listed as failed
 * on the dashboard. In-process (pipelines/run/run.ts `runPipeline`); the queued all-rejected run
 * is in test/reliability/queue-promises.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load.js';
import { InputError, OutputError } from '../../pipelines/errors.js';
import { runPipeline } from '../../pipelines/run/run.js';
import { formatFailed, historyPath, readHistory } from '../../pipelines/publish/run-history.js';
import { readPublishedRuns, runRows } from '../../dashboard/runs.js';
import { dailyCsv } from '../workers/fixtures.js';

const config = parseConfig({ runDate: '2024-04-15', horizon: 7 });
let dir: string;
let out: string;
let good: { runDir: string; runId: string };
let latestBefore: string;
let forecastsBefore: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latest-'));
  out = join(dir, 'out');
  writeFileSync(join(dir, 'good.csv'), dailyCsv({ stores: 1, skus: 2, days: 60 }));
  good = await runPipeline({ input: join(dir, 'good.csv'), outDir: out, config });
  latestBefore = readlinkSync(join(out, 'latest'));
  forecastsBefore = readFileSync(join(out, 'latest', 'forecasts.csv'), 'utf8');
});

/** `latest` still names the good run, byte for byte, and no staging directory is left. */
function expectLatestUnchanged(): void {
  expect(readlinkSync(join(out, 'latest'))).toBe(latestBefore);
  expect(readFileSync(join(out, 'latest', 'forecasts.csv'), 'utf8')).toBe(forecastsBefore);
  expect(readdirSync(join(out, 'runs')).filter((n) => n.startsWith('.staging-'))).toEqual([]);
}

/** The one failed run directory, its run.json checked. */
function failedRun(stage: string, exitCode: number): { dir: string; runId: string } {
  const failed = readdirSync(join(out, 'runs')).filter((n) => n.endsWith('.failed'));
  expect(failed).toHaveLength(1);
  const d = join(out, 'runs', failed[0]);
  const summary = JSON.parse(readFileSync(join(d, 'run.json'), 'utf8'));
  expect(summary.failure).toMatchObject({ stage, exitCode });
  expect(existsSync(join(d, 'rejected.csv'))).toBe(true);
  return { dir: d, runId: failed[0].slice(0, -'.failed'.length) };
}

describe('latest only moves to a complete run', () => {
  it('stage 1: an unusable input leaves latest and nothing behind', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'colour,size\nred,2\n');
    await expect(runPipeline({ input: join(dir, 'bad.csv'), outDir: out, config })).rejects.toThrow(InputError);
    expectLatestUnchanged();
    expect(readdirSync(join(out, 'runs')).filter((n) => n.endsWith('.failed'))).toEqual([]);
  });

  it('validation: every row rejected, even with acceptRejects, fails the run with "no row accepted"', async () => {
    writeFileSync(join(dir, 'future.csv'), 'date,sku,qty\n2030-01-01,A,1\n');
    const accepting = parseConfig({ runDate: '2024-04-15', horizon: 7, validation: { acceptRejects: true } });
    await expect(runPipeline({ input: join(dir, 'future.csv'), outDir: out, config: accepting })).rejects.toThrow(/no row of "future\.csv" was accepted, so there is nothing to forecast; .*\.failed\/rejected\.csv says why/);
    expectLatestUnchanged();
    failedRun('validation', 3);
  });

  it('validation: every row rejected (all in the future) fails the run, kept as runs/<id>.failed with its rejected rows', async () => {
    writeFileSync(join(dir, 'future.csv'), 'date,sku,qty\n2030-01-01,A,1\n2030-01-02,A,2\n2030-01-03,B,1\n');
    const err = await runPipeline({ input: join(dir, 'future.csv'), outDir: out, config }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expectLatestUnchanged();
    const f = failedRun('validation', 3);
    expect((err as Error).message).toContain(join(f.dir, 'rejected.csv'));
    // header + the three rows, each with its reason
    expect(readFileSync(join(f.dir, 'rejected.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(existsSync(join(f.dir, 'forecasts.csv'))).toBe(false);
    // the history lists it as failed, the dashboard too
    const history = await readHistory(historyPath(out));
    expect(history.failed.map((r) => [r.runId, r.stage, r.runDir])).toEqual([[f.runId, 'validation', `runs/${f.runId}.failed`]]);
    expect(formatFailed(history)).toMatch(new RegExp(`${f.runId}\\s+FAILED at validation: no row of "future.csv" was accepted`));
    const rows = runRows(await readPublishedRuns(out), []);
    expect(rows.find((r) => r.runId === f.runId)).toMatchObject({ status: 'failed', latest: false, files: [] });
    expect(rows.find((r) => r.runId === good.runId)).toMatchObject({ status: 'published', latest: true });
  });

  it('forecast: a fitting failure keeps latest and the failed run', async () => {
    writeFileSync(join(dir, 'other.csv'), dailyCsv({ stores: 1, skus: 3, days: 60, seed: 3 }));
    const forecaster = async () => {
      throw new Error('worker thread crashed');
    };
    await expect(runPipeline({ input: join(dir, 'other.csv'), outDir: out, config, forecaster })).rejects.toThrow(/worker thread crashed/);
    expectLatestUnchanged();
    failedRun('forecast', 1);
  });

  it('publish: an output that cannot be written keeps latest and the failed run; a re-run that succeeds replaces it', async () => {
    writeFileSync(join(dir, 'other.csv'), dailyCsv({ stores: 1, skus: 3, days: 60, seed: 3 }));
    // a directory where forecasts.csv must go: the atomic rename onto it fails
    const stagingDir = join(out, 'runs', '.staging-test');
    mkdirSync(join(stagingDir, 'forecasts.csv'), { recursive: true });
    await expect(runPipeline({ input: join(dir, 'other.csv'), outDir: out, config, stagingDir })).rejects.toThrow(OutputError);
    expectLatestUnchanged();
    const f = failedRun('publish', 4);
    const again = await runPipeline({ input: join(dir, 'other.csv'), outDir: out, config });
    expect(again.runId).toBe(f.runId);
    expect(readlinkSync(join(out, 'latest'))).toBe(`runs/${f.runId}`);
    expect(existsSync(f.dir)).toBe(false);
    expect(formatFailed(await readHistory(historyPath(out)))).toContain('published later by a re-run');
  });
});
