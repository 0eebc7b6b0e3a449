/**
 * Ablation of the price regressor (the carried unit price in pipelines/forecast/calendar.ts, used
 * by the regression model): item × store mean RMSSE and revenue-weighted RMSSE of the strategy
 * on 28-day periods of the M5 slice, with the series' prices and with prices removed from the
 * model input (weights always from the real prices).
 *
 * Usage: node dist/bench/price-ablation.js ../shared/data [--offsets=112,84,56,28]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { forecastSeries } from '../pipelines/forecast/forecast-series.js';
import { revenueWeight, rmsse, wrmsse } from '../pipelines/forecast/metrics.js';
import { cleanBatch } from '../pipelines/prepare/clean.js';
import { HOLDOUT, loadM5, truncateSeries } from './m5-accuracy.js';

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const offsets = (process.argv.find((a) => a.startsWith('--offsets='))?.slice(10) ?? '112,84,56,28').split(',').map(Number);
  const config = defaultConfig();
  const data = await loadM5(dataDir);
  for (const offset of offsets) {
    const end = data.last - HOLDOUT - offset;
    const training = cleanBatch(data.series.map((s) => truncateSeries(s, end)), config, { kind: 'daily' }).series;
    const weights = training.map((s) => revenueWeight(s.demand, s.price, 28));
    const line: string[] = [];
    for (const withPrice of [true, false]) {
      const scores = training.map((s, i) => {
        const input = withPrice ? s : { ...s, price: new Float64Array(s.price.length).fill(NaN) };
        const f = forecastSeries(input, { config, end, horizon: HOLDOUT, calendar: data.calendar });
        const full = data.series[i];
        const e = end - full.start;
        return rmsse(full.demand.subarray(e + 1, e + 1 + HOLDOUT), f.mean, full.demand.subarray(0, e + 1));
      });
      const ok = scores.filter(Number.isFinite);
      line.push(`${withPrice ? 'with price' : 'no price'} ${(ok.reduce((a, b) => a + b, 0) / ok.length).toFixed(4)} / ${wrmsse(scores, weights).toFixed(4)}`);
    }
    console.log(`offset ${offset}: ${line.join('   ')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
