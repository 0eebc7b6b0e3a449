/**
 * Entry of a fitting thread (see pipelines/forecast/fit-threads.ts): receives batches of series, answers
 * with their forecasts from the same stage function the main thread and the queue workers use.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ForecastContext } from './forecast-series.js';
import { forecastBatch } from './forecast-batch.js';
import type { SeriesData } from '../types.js';

const ctx = (workerData as { ctx: ForecastContext }).ctx;
const port = parentPort;
if (!port) throw new Error('pipelines/forecast/fit-thread.js runs only as a worker thread');

port.on('message', (m: { id: number; series: SeriesData[] }) => {
  try {
    port.postMessage({ id: m.id, forecasts: forecastBatch(m.series, ctx) });
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
