/**
 * The replay of the order policy as a section of every run (pipelines/replenish/replay/run-replay.ts
 * through pipelines/run/run.ts): simulation.csv, run.json `simulation`, the report's "Would this
 * policy have worked?", the calibrated shifts in the order list; and a run that cannot replay says why.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { runPipeline, runValidation } from '../../../pipelines/run/run.js';
import type { RunSummary } from '../../../pipelines/run/run-summary.js';
import { dailyCsv } from '../../workers/fixtures.js';
import { csvRecords } from '../../fixtures/csv-rows.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-simulation-'));
  // 2024-01-01 .. 2024-04-29
  writeFileSync(join(dir, 'sales.csv'), dailyCsv({ stores: 1, skus: 3, days: 120 }));
});

const summaryOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunSummary;
// 3 weeks replayed, 3 calibrated, 14 days averaged: 56 days needed
const SHORT = { weeks: 3, calibrationWeeks: 3, simpleAverageDays: 14 };

describe('forecast run replays its order policy', () => {
  it('writes simulation.csv, run.json simulation and the report section; the order list uses the calibrated shifts', async () => {
    const config = parseConfig({ runDate: '2024-04-29', horizon: 14, models: { candidates: ['naive', 'ses'] }, replenishment: { simulation: SHORT } });
    const res = await runPipeline({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out'), config });
    const s = summaryOf(res.runDir);
    expect(s.simulation?.status).toBe('replayed');
    expect(s.simulation).toMatchObject({ weeks: 3, calibrationWeeks: 3, firstDate: '2024-04-09', lastDate: '2024-04-29', calibrationFirstDate: '2024-03-19', series: 3, seriesLeftOut: 0 });
    expect(s.simulation!.policies!.map((p) => p.policy)).toEqual(expect.arrayContaining(['proposed', 'proposed_uncalibrated', 'simple_3w']));
    for (const p of s.simulation!.policies!) {
      expect(p.fillRate).toBeGreaterThanOrEqual(0);
      expect(p.fillRate).toBeLessThanOrEqual(1);
    }
    expect(s.files).toContain('simulation.csv');
    const rows = csvRecords(readFileSync(join(res.runDir, 'simulation.csv'), 'utf8'));
    expect(rows.filter((r) => r.policy === 'proposed').map((r) => r.sku).sort()).toEqual(['SKU1', 'SKU2', 'SKU3']);
    expect(s.timingsMs.replay).toBeGreaterThanOrEqual(0);
    const html = readFileSync(join(res.runDir, 'report.html'), 'utf8');
    expect(html).toContain('Would this policy have worked?');
    expect(html).toContain('Over the last 3 weeks (Tue 2024-04-09 to Mon 2024-04-29)');

    // the same run without the replay: the order list's levels move only where a shift is not 0
    const off = parseConfig({ runDate: '2024-04-29', horizon: 14, models: { candidates: ['naive', 'ses'] }, replenishment: { simulation: { ...SHORT, weeks: 0 } } });
    const res0 = await runPipeline({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out-off'), config: off });
    const s0 = summaryOf(res0.runDir);
    expect(s0.simulation).toMatchObject({ status: 'off', weeks: 0 });
    expect(s0.files).not.toContain('simulation.csv');
    expect(existsSync(join(res0.runDir, 'simulation.csv'))).toBe(false);
    expect(readFileSync(join(res0.runDir, 'report.html'), 'utf8')).toContain('turned off');
    const a = csvRecords(readFileSync(join(res.runDir, 'orders.csv'), 'utf8'));
    const b = csvRecords(readFileSync(join(res0.runDir, 'orders.csv'), 'utf8'));
    const shifted = Object.values(s.simulation!.shifts ?? {}).some((v) => v !== 0);
    const differs = a.some((r, i) => r.order_up_to !== b[i].order_up_to);
    expect(differs).toBe(shifted);
  });

  it('says why when the history is too short (never silent), and forecast validate does not replay', async () => {
    const config = parseConfig({ runDate: '2024-04-29', horizon: 14, models: { candidates: ['naive'] } });
    const res = await runPipeline({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out-short'), config });
    const s = summaryOf(res.runDir);
    expect(s.simulation?.status).toBe('skipped');
    expect(s.simulation?.note).toContain('the sales cover 120 days and the replay needs 210');
    expect(readFileSync(join(res.runDir, 'report.html'), 'utf8')).toContain('the sales cover 120 days and the replay needs 210');
    const v = await runValidation({ input: join(dir, 'sales.csv'), outDir: join(dir, 'out-validate'), config });
    expect(v.summary.simulation).toBeUndefined();
  });
});

describe('What to watch compares with the previous run of the output directory', () => {
  it('the first run has nothing to compare; the next one names the previous run', async () => {
    const out = join(dir, 'out-watch');
    const first = parseConfig({ runDate: '2024-04-29', horizon: 14, models: { candidates: ['naive', 'ses'] }, replenishment: { simulation: { weeks: 0 } } });
    const r1 = await runPipeline({ input: join(dir, 'sales.csv'), outDir: out, config: first });
    expect(readFileSync(join(r1.runDir, 'report.html'), 'utf8')).toContain('There is no earlier run in this output directory');
    // another model set: every forecast moves, and the reason says the model changed
    const second = parseConfig({ runDate: '2024-04-29', horizon: 14, models: { candidates: ['moving-average'] }, replenishment: { simulation: { weeks: 0 } } });
    const r2 = await runPipeline({ input: join(dir, 'sales.csv'), outDir: out, config: second });
    const html = readFileSync(join(r2.runDir, 'report.html'), 'utf8');
    expect(r2.runId).not.toBe(r1.runId);
    expect(html).not.toContain('There is no earlier run');
    expect(html).toContain(`since run ${r1.runId}`);
  });
});

