import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../config/schema.js';
import { dayFromYmd, formatDay } from '../../pipelines/dates.js';
import { experimentCsv, formatVerdicts, lastDataDay, rawArmConfig, runExperiment, writeExperiment, type ExperimentResult } from '../../experiments/experiment.js';
import { mulberry32 } from '../../experiments/inject.js';

/**
 * 8 smooth daily series x 168 days (M5 layout): Poisson demand with level 4..11 and a weekly
 * shape, drawn from a seeded generator, every zero day listed.
 */
function syntheticCsv(): string {
  const rnd = mulberry32(2024);
  const poisson = (lambda: number) => {
    // Knuth's multiplication method, fine for small lambda
    const L = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= rnd();
    } while (p > L);
    return k - 1;
  };
  const d0 = dayFromYmd(2021, 1, 4); // a Monday
  const lines = ['date,store_id,item_id,units,sell_price'];
  for (let s = 0; s < 8; s++) {
    const level = 4 + s;
    for (let t = 0; t < 168; t++) {
      const dow = t % 7;
      const shape = dow >= 5 ? 1.4 : 0.84;
      lines.push(`${formatDay(d0 + t)},ST_${s % 2},ITEM_${String(s).padStart(3, '0')},${poisson(level * shape)},2.5`);
    }
  }
  return lines.join('\n') + '\n';
}

describe('runExperiment (through the real ingest, validation, cleaning and forecasting)', () => {
  let dir: string;
  let input: string;
  let result: ExperimentResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'experiment-'));
    input = join(dir, 'sales.csv');
    await writeFile(input, syntheticCsv());
    result = await runExperiment({
      input,
      defects: [
        { type: 'spikes', rate: 0.1 },
        { type: 'truncated', rate: 0.5 },
      ],
      seed: 1,
      config: defaultConfig(),
      workDir: join(dir, 'work'),
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds out the last 28 days and scores every series', () => {
    expect(result.heldOut).toEqual({ from: '2021-05-24', to: '2021-06-20', days: 28 });
    expect(result.train).toMatchObject({ from: '2021-01-04', to: '2021-05-23', rows: 8 * 140 });
    expect(result.seriesScored).toBe(8);
    expect(result.rows.map((r) => `${r.scenario}/${r.arm}`)).toEqual([
      'baseline/raw',
      'baseline/cleaned',
      'spikes/raw',
      'spikes/cleaned',
      'truncated/raw',
      'truncated/cleaned',
    ]);
    for (const r of result.rows) {
      expect(Number.isFinite(r.rmsse) && r.rmsse > 0).toBe(true);
      expect(r.seriesMissing).toBe(0);
    }
  });

  it('10x spikes on 10% of selling days cost a lot without cleaning and little with it', () => {
    // Without cleaning the mean level is inflated by about 0.1 x 9 = 90%. For Poisson demand of
    // level L the RMSSE scale is about sqrt(2L) and a well-fitted forecast scores about
    // sqrt(L / 2L) = 0.71; a forecast 0.9 L too high scores sqrt((L + 0.81 L²) / 2L), so the loss is
    // about 0.75 (L = 4) to 1.52 (L = 11), 1.1 on average over these 8 series. Winsorising caps
    // each spike near median + 3 sqrt(median), which leaves a small upward bias.
    const v = result.verdicts.find((x) => x.defect === 'spikes')!;
    expect(v.lossRaw).toBeGreaterThan(0.7);
    expect(v.lossRaw).toBeLessThan(1.8);
    expect(v.lossCleaned).toBeLessThan(v.lossRaw / 3);
    expect(v.target).toBe('met');
    expect(v.wrmsse.lossRaw).toBeGreaterThan(0.5);
    expect(v.wrmsse.target).toBe('met');
    expect(result.injections[0]).toMatchObject({ type: 'spikes', rate: 0.1 });
    expect(result.injections[0].rowsAffected).toBe(Math.round(0.1 * result.injections[0].pool));
  });

  it('a truncated tail on half the series biases the raw forecasts down; cleaning fills it', () => {
    // 4 series lose their last 14 training days: read as zero sales, the recent level falls.
    const v = result.verdicts.find((x) => x.defect === 'truncated')!;
    expect(result.injections[1]).toMatchObject({ pool: 8, seriesAffected: 4, rowsAffected: 56 });
    expect(v.lossRaw).toBeGreaterThan(0.05);
    expect(v.lossCleaned).toBeLessThan(v.lossRaw / 3);
  });

  it('is deterministic for a seed', async () => {
    const again = await runExperiment({
      input,
      defects: [{ type: 'spikes', rate: 0.1 }],
      seed: 1,
      config: defaultConfig(),
      workDir: join(dir, 'work2'),
    });
    const pick = (r: ExperimentResult) => r.rows.map((x) => [x.scenario, x.arm, x.rmsse, x.rowsAffected]);
    expect(pick(again)).toEqual(pick(result).slice(0, 4));
  });

  it('writes the CSV, the JSON and the chart', async () => {
    const files = await writeExperiment(join(dir, 'out'), result);
    expect(files).toEqual(['experiment.csv', 'experiment-verdicts.csv', 'experiment.json', 'experiment.html']);
    const csv = (await readFile(join(dir, 'out', 'experiment.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('scenario,rate,arm,rmsse,wrmsse,loss,wrmsse_loss,series_scored,series_missing,rows_in,rows_out,rows_affected,seconds');
    expect(csv.length).toBe(6 + 2);
    expect(experimentCsv(result)).toBe(csv.join('\r\n'));
    const html = await readFile(join(dir, 'out', 'experiment.html'), 'utf8');
    expect(html).toMatch(/<canvas id="c-loss">/);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(formatVerdicts(result)).toMatch(/^spikes\s+0\.1\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+met\s+\S+\s+\S+\s+met$/m);
    const verdicts = (await readFile(join(dir, 'out', 'experiment-verdicts.csv'), 'utf8')).split('\r\n');
    expect(verdicts[0]).toBe('defect,rate,loss_raw,loss_cleaned,ratio,target,wrmsse_loss_raw,wrmsse_loss_cleaned,wrmsse_ratio,wrmsse_target');
    expect(verdicts[1]).toMatch(/^spikes,0\.1,[0-9.]+,[0-9.-]+,[0-9.-]+,met,[0-9.]+,[0-9.-]+,[0-9.-]+,met$/);
  });
});

describe('rawArmConfig', () => {
  it('turns off cleaning and the validation rules that repair data', () => {
    const c = rawArmConfig(defaultConfig());
    expect(c.cleaning.enabled).toBe(false);
    expect(c.validation.duplicateLines).toBe('keep');
    expect(c.validation.rejectUnmarkedNegatives).toBe(false);
    expect(c.validation.rejectFutureDates).toBe(true);
  });
});

describe('runExperiment input checks', () => {
  it('needs enough training days and at least one defect', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'experiment-short-'));
    try {
      const input = join(dir, 's.csv');
      await writeFile(input, 'date,item_id,units\n2021-01-01,A,1\n2021-01-02,A,2\n');
      await expect(runExperiment({ input, defects: [{ type: 'missing', rate: 0.1 }], seed: 1, config: defaultConfig(), workDir: join(dir, 'w') })).rejects.toThrow(
        /needs at least 56 days of sales before the 28 held-out days/,
      );
      await expect(runExperiment({ input, defects: [], seed: 1, config: defaultConfig(), workDir: join(dir, 'w') })).rejects.toThrow(/at least one defect/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lastDataDay', () => {
  it('ignores a few stray far-future rows and respects a run date', () => {
    // 8 series a day on days 10..12, one stray row on day 500: a quarter of the median (8) is 2
    const days = [...new Array(8).fill(10), ...new Array(8).fill(11), ...new Array(8).fill(12), 500];
    expect(lastDataDay(days)).toBe(12);
    expect(lastDataDay(days, 11)).toBe(11);
    expect(lastDataDay([NaN])).toBeNaN();
  });
});
