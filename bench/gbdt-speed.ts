/**
 * Speed of the pooled model's training (models/gbdt.ts) on the M5 slice's pooled rows, built as
 * pipelines/forecast/pooled.ts's fitPooled builds them (groupCounts, sampleGroups, trainingRows).
 * Prints the time of binFeatures and fitGbdt (ms, µs a row; fitGbdt's CPU time too, steadier than
 * the wall time on a shared machine), the peak RSS, and a checksum of the model (the last trainLoss
 * and an FNV-1a hash of every tree array's bytes), so that a change meant to leave the model as it
 * was can show it did.
 *
 * Usage: node dist/bench/gbdt-speed.js ../shared/data [--offset=84] [--max-rows=200000] [--gbdt='{"trees":600,...}'] (over POOLED_DEFAULTS') [--repeat=1]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { binFeatures, fitGbdt, type GbdtModel, type GbdtOptions } from '../models/gbdt.js';
import { groupCounts, POOLED_DEFAULTS, sampleGroups, trainingRows, type PooledOptions } from '../pipelines/forecast/pooled.js';
import { gbdtSeries } from './gbdt-experiment.js';
import { loadM5 } from './m5-accuracy.js';
import { loadItemAttributes, period, seriesAttributes } from './m5-hierarchy.js';

/** FNV-1a (32 bits) over the bytes of typed arrays, in order. */
export function hashArrays(arrays: readonly (Float64Array | Int32Array)[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Checksum of a model: its last training loss (round-trip digits) and the hash of base, trees and loss curve. */
export function modelChecksum(m: GbdtModel): string {
  const arrays: (Float64Array | Int32Array)[] = [Float64Array.of(m.base), m.trainLoss];
  for (const t of m.trees) arrays.push(t.feature, t.bin, t.threshold, t.left, t.right, t.value);
  return `trainLoss ${m.trainLoss[m.trainLoss.length - 1]} trees ${m.trees.length} hash ${hashArrays(arrays)}`;
}

/** Trees at the highest out-of-bag gain. */
function oobBest(gain: Float64Array): number {
  let best = 0;
  for (let t = 1; t < gain.length; t++) if (gain[t] > gain[best]) best = t;
  return best;
}

export async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '../shared/data';
  const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const offset = Number(arg('offset') ?? 84);
  const o: PooledOptions = { ...POOLED_DEFAULTS, maxRows: Number(arg('max-rows') ?? POOLED_DEFAULTS.maxRows), gbdt: { ...POOLED_DEFAULTS.gbdt, ...(JSON.parse(arg('gbdt') ?? '{}') as Partial<GbdtOptions>) } };
  const data = await loadM5(dataDir);
  const attrs = seriesAttributes(data.series, loadItemAttributes(dataDir));
  const series = gbdtSeries(data, attrs, period(data, attrs, offset).end);
  const counts = groupCounts(series, o);
  const rows = trainingRows(series, data.calendar, counts, sampleGroups(counts, o), o);
  console.log(`offset ${offset}: ${rows.n} rows x ${rows.p} features; gbdt ${JSON.stringify(o.gbdt)}`);
  for (let k = 0, repeat = Number(arg('repeat') ?? 1); k < repeat; k++) {
    const t0 = performance.now();
    const binned = binFeatures(rows.x, rows.n, rows.p);
    const t1 = performance.now();
    const cpu = process.cpuUsage();
    const model = fitGbdt(binned, rows.y, o.gbdt);
    const t2 = performance.now();
    const { user, system } = process.cpuUsage(cpu);
    const us = ((t2 - t1) * 1000) / rows.n;
    console.log(`binFeatures ${(t1 - t0).toFixed(0)} ms, fitGbdt ${(t2 - t1).toFixed(0)} ms (${us.toFixed(1)} us a row; CPU ${((user + system) / 1000).toFixed(0)} ms), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ${modelChecksum(model)}`);
    // with --gbdt='{"earlyStop":1000}' (never stopping at 300 trees) the whole out-of-bag curve
    if (o.gbdt.earlyStop) console.log(`  out-of-bag gain: highest after ${oobBest(model.oobGain)} of ${model.trees.length} trees; at every 25th: ${Array.from(model.oobGain.filter((_, t) => t % 25 === 0), (g) => g.toFixed(5)).join(' ')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
