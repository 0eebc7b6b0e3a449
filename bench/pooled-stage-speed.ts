/**
 * CPU of the pooled stage's work besides fitGbdt on the M5 slice's series: the training rows
 * (trainingRows), their binning (binFeatures) and the forecasts of every series (forecastPooledAll,
 * or forecastPooled series by series in a build without it), best of `--repeat` (6), with the
 * fit's model from this build. `--against=DIR` (another build's worktree, e.g. /work/main) runs
 * its functions alternately with this build's, on the same rows and model, and checks that the
 * bins and forecasts are the same bit for bit.
 *
 * Usage: node dist/bench/pooled-stage-speed.js ../shared/data [--offset=84] [--repeat=6] [--against=/work/main]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as gbdt from '../models/gbdt.js';
import * as pooled from '../pipelines/forecast/pooled.js';
import { gbdtSeries } from './gbdt-experiment.js';
import { loadM5 } from './m5-accuracy.js';
import { loadItemAttributes, period, seriesAttributes } from './m5-hierarchy.js';

type Build = { M: typeof gbdt; P: typeof pooled };
type Parts = { cpu: number[]; bins: Uint8Array; forecasts: (Float64Array | null)[] };

/** CPU ms since `since` (user + system). */
function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

/** One pass of a build's rows, binning and forecasts, with the CPU of each. */
function pass(b: Build, series: Parameters<typeof pooled.trainingRows>[0], calendar: Parameters<typeof pooled.trainingRows>[1], counts: Int32Array, chosen: Uint8Array, model: gbdt.GbdtModel): Parts {
  const o = pooled.POOLED_DEFAULTS;
  let c = process.cpuUsage();
  const rows = b.P.trainingRows(series, calendar, counts, chosen, o);
  const cpu = [cpuMs(c)];
  c = process.cpuUsage();
  const bins = b.M.binFeatures(rows.x, rows.n, rows.p).bins;
  cpu.push(cpuMs(c));
  c = process.cpuUsage();
  const forecasts = b.P.forecastPooledAll ? b.P.forecastPooledAll(model, series, calendar, o) : series.map((s) => b.P.forecastPooled(model, s, calendar, o));
  cpu.push(cpuMs(c));
  return { cpu, bins, forecasts };
}

/** Whether two passes give the same bins and forecasts, byte for byte. */
function same(a: Parts, b: Parts): boolean {
  const bytes = (f: Float64Array | null) => (f ? Buffer.from(f.buffer, f.byteOffset, f.byteLength) : null);
  return Buffer.from(a.bins).equals(Buffer.from(b.bins)) && a.forecasts.every((f, k) => (f === null ? b.forecasts[k] === null : b.forecasts[k] !== null && bytes(f)!.equals(bytes(b.forecasts[k])!)));
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const builds: [string, Build][] = [['this build', { M: gbdt, P: pooled }]];
  const against = arg('against');
  if (against) builds.unshift([against, { M: await import(pathToFileURL(resolve(against, 'dist/models/gbdt.js')).href), P: await import(pathToFileURL(resolve(against, 'dist/pipelines/forecast/pooled.js')).href) }]);
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const series = gbdtSeries(data, attrs, period(data, attrs, Number(arg('offset') ?? 84)).end);
  const o = pooled.POOLED_DEFAULTS;
  const counts = pooled.groupCounts(series, o);
  const chosen = pooled.sampleGroups(counts, o);
  const rows = pooled.trainingRows(series, data.calendar, counts, chosen, o);
  const model = gbdt.fitGbdt(gbdt.binFeatures(rows.x, rows.n, rows.p), rows.y, o.gbdt);
  const best = builds.map(() => [Infinity, Infinity, Infinity]);
  const last: Parts[] = [];
  for (let k = 0, repeat = Number(arg('repeat') ?? 6); k < repeat; k++) {
    builds.forEach(([, b], i) => {
      last[i] = pass(b, series, data.calendar, counts, chosen, model);
      last[i].cpu.forEach((v, j) => (best[i][j] = Math.min(best[i][j], v)));
    });
  }
  console.log(`${series.length} series, ${rows.n} training rows; CPU ms (best): trainingRows / binFeatures / forecasts (sum)`);
  builds.forEach(([name], i) => console.log(`${name}: ${best[i].map((v) => v.toFixed(0)).join(' / ')} (${best[i].reduce((s, v) => s + v, 0).toFixed(0)})`));
  if (against) console.log(`same bins and forecasts: ${same(last[0], last[1])}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
