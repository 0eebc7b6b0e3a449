/**
 * Research bench: the pooled model's blend weight (`models.pooled.weight`) swept on the M5
 * slice. Each period is forecast once as the product does (bench/m5-hierarchy.ts
 * `forecastPeriod`: per-series fits, reconciliation, the pooled stage), then blended with every
 * weight given (pipelines/forecast/pooled-blend.ts `applyPooled`) and scored: item × store mean
 * RMSSE and WRMSSE, 12-level WRMSSE, item × store 80% / 95% coverage. A weight of `W` gives the
 * same figures as `node dist/bench/m5-hierarchy.js … --config='{"models":{"pooled":{"weight":W,"intermittentWeight":W}}}'`.
 *
 * A weight may also depend on the series (research only): `class:smooth=…,erratic=…,intermittent=…,lumpy=…`
 * (the demand class of pipelines/forecast/classify.ts, as the series' fit saw it; a class left
 * out gets 0.5) or `rate:T:LOW:HIGH` (LOW for series selling under T a day over their last 28
 * training days, HIGH otherwise). The product's default, 0.5 for smooth and erratic and 0.3 for
 * the other classes (pipelines/forecast/pooled-weights.ts), is
 * `class:smooth=0.5,erratic=0.5,intermittent=0.3,lumpy=0.3`.
 *
 * `--stores=` and `--items=` take a subset of the slice as bench/m5-subset.ts does.
 *
 * Usage: node dist/bench/pooled-weight.js ../shared/data --offsets=84,112,140 --weights='0.4;0.5;0.6;class:smooth=0.6,erratic=0.6' [--stores=CA_1] [--items=10]
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { defaultConfig } from '../config/schema.js';
import { DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import type { SeriesForecast } from '../pipelines/forecast/forecast-series.js';
import { HOLDOUT, loadM5 } from './m5-accuracy.js';
import { subsetOptions, subsetSeries } from './m5-subset.js';
import { blendHierarchy, forecastPeriod, loadItemAttributes, period, scoreBottom, seriesAttributes } from './m5-hierarchy.js';

/** One period's scores under one weight. */
interface Scores {
  meanRmsse: number;
  wrmsse: number;
  wrmsse12: number;
  cov80: number;
  cov95: number;
}

/** Per bottom series its weight under a spec (see the file comment). */
export function weightsFor(spec: string, bottom: readonly SeriesForecast[], rates: Float64Array): Float64Array {
  const out = new Float64Array(bottom.length);
  if (spec.startsWith('class:')) {
    const byClass = new Map(spec.slice(6).split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])] as [string, number]));
    bottom.forEach((f, b) => (out[b] = byClass.get(f.demandClass) ?? 0.5));
  } else if (spec.startsWith('rate:')) {
    const [t, lo, hi] = spec.slice(5).split(':').map(Number);
    rates.forEach((r, b) => (out[b] = r < t ? lo : hi));
  } else out.fill(Number(spec));
  for (const w of out) if (!(w >= 0 && w <= 1)) throw new Error(`pooled-weight: weight ${w} of spec ${spec} is outside [0, 1]`);
  return out;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '84,112,140').split(',').map(Number);
  const specs = (arg('weights') ?? '0.4;0.5;0.6;0.7').split(';');
  const config = defaultConfig();
  const all = await loadM5(dataDir);
  const data = { ...all, series: subsetSeries(all.series, subsetOptions(arg)) };
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const H = HOLDOUT;
  const nb = data.series.length;
  const table = new Map<string, Scores[]>(specs.map((s) => [s, []]));
  for (const offset of offsets) {
    const p = period(data, attrs, offset);
    const fp = forecastPeriod(data, attrs, config, p.end, DEFAULT_METHODS);
    const rates = Float64Array.from(data.series, (s) => {
      const e = p.end - s.start;
      let sum = 0;
      for (let t = Math.max(0, e - 27); t <= e; t++) sum += s.demand[t];
      return sum / 28;
    });
    const classes = new Map<string, number>();
    for (const f of fp.bottom) classes.set(f.demandClass, (classes.get(f.demandClass) ?? 0) + 1);
    console.log(`offset ${offset}: classes ${[...classes].map(([c, n]) => `${c} ${n}`).join(', ')}; pooled ${fp.pooled.used ? 'used' : fp.pooled.reason}`);
    for (const spec of specs) {
      const w = weightsFor(spec, fp.bottom, rates);
      const r = blendHierarchy(fp.reconciled, fp.h, fp.pooledForecasts, w);
      const means = new Float64Array(nb * H);
      r.bottom.forEach((f, b) => means.set(f.mean, b * H));
      const sc = scoreBottom(p, means);
      const cov = (level: string): number => {
        let inside = 0;
        r.bottom.forEach((f, b) => {
          for (let j = 0; j < H; j++) if (p.actualB[b * H + j] >= f.lo[level][j] && p.actualB[b * H + j] <= f.hi[level][j]) inside++;
        });
        return (100 * inside) / (nb * H);
      };
      const s: Scores = { meanRmsse: sc.meanRmsse, wrmsse: sc.wrmsse, wrmsse12: sc.wrmsse12, cov80: cov('80'), cov95: cov('95') };
      table.get(spec)!.push(s);
      console.log(`offset ${offset} weight ${spec}: mean RMSSE ${s.meanRmsse.toFixed(4)} WRMSSE ${s.wrmsse.toFixed(4)} 12-level ${s.wrmsse12.toFixed(4)} coverage ${s.cov80.toFixed(1)} / ${s.cov95.toFixed(1)}`);
    }
  }
  console.log(`\nmeans over offsets ${offsets.join(' / ')}: weight | item × store mean RMSSE | item × store WRMSSE | 12-level WRMSSE | coverage 80 / 95 per period`);
  for (const [spec, rows] of table) {
    const m = (k: keyof Scores): string => (rows.reduce((a, r) => a + r[k], 0) / rows.length).toFixed(4);
    console.log(`| ${spec} | ${m('meanRmsse')} | ${m('wrmsse')} | ${m('wrmsse12')} | ${rows.map((r) => `${r.cov80.toFixed(1)} / ${r.cov95.toFixed(1)}`).join(', ')} |`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
