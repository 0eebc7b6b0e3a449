/**
 * Stage 2 of an in-process run on several cores: when the run is large enough to repay the
 * threads' start (threads.ts `fitThreads`), the series are fitted in worker threads
 * (node:worker_threads) in batches, by the same `forecastBatch` the main thread and the queue's
 * train workers call, and the forecasts are put back in series order, so the outputs are the
 * same as a single-threaded run, byte for byte.
 *
 * Each batch's arrays are copied once into fresh buffers that are transferred (not cloned) to the
 * thread: a series' arrays are views of larger ingest buffers, and cloning a view would copy the
 * whole buffer behind it. Every thread has up to two batches in flight so it never waits for the
 * main thread. The first error of any batch rejects the run and stops every thread.
 */
import { Worker } from 'node:worker_threads';
import type { ForecastContext, SeriesForecast } from './forecast-series.js';
import { forecastBatch } from './forecast-batch.js';
import { forecastSettings } from './forecast-settings.js';
import type { SeriesData } from '../types.js';
import { packNumberArrays } from './packed-arrays.js';
import { fitThreads, threadCount, threadEntry, type FitWork } from './threads.js';

export { fitThreads, threadCount };

/** Fits series; resolves with one forecast per series, in order. */
export type Forecaster = (series: readonly SeriesData[], ctx: ForecastContext, onSeries?: (done: number) => void) => Promise<SeriesForecast[]>;

/** A copy of a series whose arrays own exactly their bytes, and those buffers (to transfer). */
function packSeries(s: SeriesData, transfer: ArrayBuffer[]): SeriesData {
  const own = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
    const c = a.slice() as T;
    transfer.push(c.buffer as ArrayBuffer);
    return c;
  };
  return {
    ...s,
    demand: own(s.demand),
    returns: own(s.returns),
    price: own(s.price),
    observed: own(s.observed),
    ...(s.recorded ? { recorded: own(s.recorded) } : {}),
    ...(s.cleaning ? { cleaning: { index: own(s.cleaning.index), value: own(s.cleaning.value) } } : {}),
  };
}

/**
 * The fit work of `series` (threads.ts `FitWork`): each counts its history up to the final fit's
 * window (`models.maxHistory` in periods), the span the models are fitted on; a degraded run
 * fits nothing.
 */
export function fitWorkOf(series: readonly SeriesData[], ctx: ForecastContext): FitWork {
  if (ctx.degraded) return { series: series.length, periods: 0 };
  const cap = forecastSettings(ctx.config, ctx.grid).maxHistory;
  let periods = 0;
  for (const s of series) periods += cap > 0 ? Math.min(s.demand.length, cap) : s.demand.length;
  return { series: series.length, periods };
}

/**
 * A forecaster that fits on up to `threads` worker threads (the `threads` setting, see
 * {@link threadCount}), as many as {@link fitThreads} decides for the run's series: small runs,
 * and any run with one thread, fit on the calling thread.
 * @param opts.batchSize series per message. @defaultValue 64
 * @param opts.force threads whatever the run's work (tests). @defaultValue false
 */
export function threadForecaster(threads: number, opts: { batchSize?: number; force?: boolean } = {}): Forecaster {
  const batchSize = Math.max(1, opts.batchSize ?? 64);
  return async (series, ctx, onSeries) => {
    const n = fitThreads(threads, fitWorkOf(series, ctx), { batchSize, force: opts.force });
    return n <= 1 ? forecastBatch(series, ctx, onSeries) : fitOnThreads(series, ctx, { threads: n, batchSize }, onSeries);
  };
}

/** Fit `series` on `threads` new worker threads, `batchSize` series a message; the threads are stopped when done or failed. */
async function fitOnThreads(series: readonly SeriesData[], ctx: ForecastContext, o: { threads: number; batchSize: number }, onSeries?: (done: number) => void): Promise<SeriesForecast[]> {
  const { threads: n, batchSize } = o;
  const out: SeriesForecast[] = new Array(series.length);
  const batches = Math.ceil(series.length / batchSize);
  const entry = threadEntry('fit-thread.js');
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  let done = 0;
  try {
    await new Promise<void>((res, rej) => {
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        rej(e);
      };
      const send = (w: Worker) => {
        if (failed || next >= batches) return;
        const id = next++;
        const transfer: ArrayBuffer[] = [];
        const batch = series.slice(id * batchSize, Math.min(series.length, (id + 1) * batchSize)).map((s) => packSeries(s, transfer));
        w.postMessage({ id, series: batch }, transfer);
      };
      for (let i = 0; i < Math.min(n, batches); i++) {
        const w = new Worker(entry, { workerData: { ctx } });
        workers.push(w);
        w.on('message', (m: { id: number; forecasts?: SeriesForecast[]; error?: string }) => {
          if (m.error !== undefined || !m.forecasts) return fail(new Error(`fitting thread, batch ${m.id}: ${m.error}`));
          const from = m.id * batchSize;
          // cloned number arrays arrive boxed: repack them (packed-arrays.ts)
          for (let k = 0; k < m.forecasts.length; k++) out[from + k] = packNumberArrays(m.forecasts[k]);
          done += m.forecasts.length;
          onSeries?.(done);
          if (++finished === batches) return res();
          send(w);
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (finished < batches) fail(new Error(`fitting thread exited with code ${code} before the run was fitted`));
        });
        send(w);
        send(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
