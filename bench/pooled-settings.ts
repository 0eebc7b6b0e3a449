/**
 * Research bench: the pooled stage's settings (pipelines/forecast/pooled.ts `POOLED_DEFAULTS`)
 * against its cost, on the M5 slice. Each period is forecast once as the product does
 * (bench/m5-hierarchy.ts `forecastPeriod`, the pooled stage left out), then for every setting
 * given the pooled stage (pipelines/forecast/pooled-stage.ts) is run on the same prepared series
 * with those settings over the defaults, blended with the default weights
 * (pipelines/forecast/pooled-weights.ts) and scored: item × store mean RMSSE and WRMSSE, 12-level
 * WRMSSE, and the stage's CPU seconds (user + system of this process: the machine is shared, so
 * wall time is noisy). `{}` gives the figures of `node dist/bench/m5-hierarchy.js … ` with the
 * default settings.
 *
 * A setting is a JSON object of PooledOptions (its `gbdt` merged with the default's), settings
 * separated by `;`. `--stores=` and `--items=` take a subset of the slice as bench/m5-subset.ts does.
 *
 * Usage: node dist/bench/pooled-settings.js ../shared/data --offsets=84,112,140 --settings='{};{"maxRows":100000};{"gbdt":{"subsample":0.3}}'
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { defaultConfig } from '../config/schema.js';
import { DEFAULT_METHODS } from '../pipelines/hierarchy/reconcile.js';
import { DAILY } from '../pipelines/periods.js';
import { pooledStage } from '../pipelines/forecast/pooled-stage.js';
import { pooledWeights } from '../pipelines/forecast/pooled-weights.js';
import { POOLED_DEFAULTS, type PooledOptions } from '../pipelines/forecast/pooled.js';
import { HOLDOUT, loadM5 } from './m5-accuracy.js';
import { subsetOptions, subsetSeries } from './m5-subset.js';
import { blendHierarchy, forecastPeriod, loadItemAttributes, period, scoreBottom, seriesAttributes } from './m5-hierarchy.js';

/** One period's scores and cost under one setting. */
interface Scores {
  meanRmsse: number;
  wrmsse: number;
  wrmsse12: number;
  cpu: number;
  rows: number;
  trees: number;
}

/** A setting's overrides: its JSON over the defaults, `gbdt` merged key by key. */
export function overridesOf(spec: string): Partial<PooledOptions> {
  const o = JSON.parse(spec) as Partial<PooledOptions>;
  return o.gbdt ? { ...o, gbdt: { ...POOLED_DEFAULTS.gbdt, ...o.gbdt } } : o;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offsets = (arg('offsets') ?? '84,112,140').split(',').map(Number);
  const specs = (arg('settings') ?? '{}').split(';');
  const config = defaultConfig();
  const off = { ...config, models: { ...config.models, pooled: { ...config.models.pooled, enabled: false } } };
  const all = await loadM5(dataDir);
  const data = { ...all, series: subsetSeries(all.series, subsetOptions(arg)) };
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const H = HOLDOUT;
  const table = new Map<string, Scores[]>(specs.map((s) => [s, []]));
  for (const offset of offsets) {
    const p = period(data, attrs, offset);
    const fp = forecastPeriod(data, attrs, off, p.end, DEFAULT_METHODS);
    for (const spec of specs) {
      const c0 = process.cpuUsage();
      const stage = pooledStage({ series: fp.prepared, calendar: data.calendar, grid: DAILY, end: p.end, horizon: H }, config, overridesOf(spec));
      const c1 = process.cpuUsage(c0);
      const r = stage.facts.used ? blendHierarchy(fp.reconciled, fp.h, stage.forecasts, pooledWeights(fp.bottom.map((f) => f.demandClass), stage.facts)) : fp.reconciled;
      const means = new Float64Array(data.series.length * H);
      r.bottom.forEach((f, b) => means.set(f.mean, b * H));
      const sc = scoreBottom(p, means);
      const s: Scores = { meanRmsse: sc.meanRmsse, wrmsse: sc.wrmsse, wrmsse12: sc.wrmsse12, cpu: (c1.user + c1.system) / 1e6, rows: stage.facts.rows, trees: stage.facts.trees };
      table.get(spec)!.push(s);
      console.log(`offset ${offset} ${spec}: mean RMSSE ${s.meanRmsse.toFixed(4)} WRMSSE ${s.wrmsse.toFixed(4)} 12-level ${s.wrmsse12.toFixed(4)} rows ${s.rows} trees ${s.trees} CPU ${s.cpu.toFixed(2)} s${stage.facts.used ? '' : ` (not used: ${stage.facts.reason})`}`);
    }
  }
  console.log(`\nmeans over offsets ${offsets.join(' / ')}: setting | item × store mean RMSSE | item × store WRMSSE | 12-level WRMSSE | stage CPU s per period`);
  for (const [spec, rows] of table) {
    const m = (k: keyof Scores, d = 4): string => (rows.reduce((a, r) => a + r[k], 0) / rows.length).toFixed(d);
    console.log(`| ${spec} | ${m('meanRmsse')} | ${m('wrmsse')} | ${m('wrmsse12')} | ${rows.map((r) => r.cpu.toFixed(1)).join(' / ')} |`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
